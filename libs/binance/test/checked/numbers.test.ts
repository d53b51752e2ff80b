import {
  FieldError,
  MAX_DATE_MS,
  MIN_TIME_MS,
  count,
  dateMs,
  isDecimalText,
  oneOf,
  optionalAboveZero,
  optionalDateMs,
  optionalNumber,
  optionalPositive,
  parseDecimalText,
  positiveInteger,
  requiredNonNegative,
  requiredNumber,
  requiredPositive,
  requiredString,
  timeMs,
  timeMsFromText,
} from '../../src/checked';

/** The reason a parser gives for `raw`, or 'no error'. */
function reasonOf(parse: () => unknown): string {
  try {
    parse();
    return 'no error';
  } catch (error) {
    if (error instanceof FieldError) return error.reason;
    throw error;
  }
}

const REF = 1_704_489_130_000; // 2024-01-05T21:12:10Z, a capture time

describe('isDecimalText', () => {
  it.each(['0', '-0', '60755.18000000', '-3.003', '0.00000001', '-0.00000001', '5.', '.5', '1E-8', '1e+3', '2e10'])(
    'accepts the decimal text %j',
    (text) => {
      expect(isDecimalText(text)).toBe(true);
    },
  );

  it.each([
    '',
    '-',
    '.',
    '+1',
    ' 1',
    '1 ',
    '1,5',
    '1.2.3',
    '0x10',
    'abc',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e',
    '1e+',
    'e5',
    '--1',
    '1-',
  ])('refuses the text %j', (text) => {
    expect(isDecimalText(text)).toBe(false);
  });

  it('refuses texts longer than 40 characters, which no Binance decimal is', () => {
    expect(isDecimalText('1'.repeat(41))).toBe(false);
    expect(isDecimalText('1'.repeat(40))).toBe(true);
  });
});

describe('parseDecimalText', () => {
  /** Deterministic xorshift32, so a failure names a reproducible case. */
  function random(seed: number): () => number {
    let x = seed;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 4294967296;
    };
  }

  it('gives exactly what Number() gives for 200,000 decimals shaped like Binance values', () => {
    const next = random(20240105);
    const digits = (count: number): string => {
      let out = '';
      for (let i = 0; i < count; i++) out += String(Math.floor(next() * 10));
      return out;
    };
    for (let i = 0; i < 200_000; i++) {
      const integer = digits(1 + Math.floor(next() * 12));
      const fraction = digits(Math.floor(next() * 20));
      const zeros = '0'.repeat(Math.floor(next() * 4));
      const text = `${next() < 0.3 ? '-' : ''}${integer}${fraction === '' ? '' : '.'}${fraction}${fraction === '' ? '' : zeros}`;
      const ours = parseDecimalText(text);
      if (!Object.is(ours, Number(text))) throw new Error(`${text}: ${ours} !== ${Number(text)}`);
    }
  });

  it('matches Number() on the edges: zeros, -0, 2^53, long mantissas, 22+ fractional digits, exponents', () => {
    for (const text of [
      '0',
      '-0',
      '-0.00000000',
      '0.00000001',
      '9007199254740991',
      '9007199254740993',
      '3289695271.67717710',
      '0.1234567890123456789012',
      '0.12345678901234567890123',
      '1E-8',
      '-2.5e+3',
      '5.',
      '.5',
    ]) {
      expect(Object.is(parseDecimalText(text), Number(text))).toBe(true);
    }
  });

  it('returns NaN for text that is not a decimal', () => {
    for (const text of ['', '-', '.', 'abc', '1e', '0x10', ' 1', 'NaN']) expect(parseDecimalText(text)).toBeNaN();
  });
});

describe('requiredNumber', () => {
  it('parses a decimal string of any sign exactly as JavaScript reads the same literal', () => {
    expect(requiredNumber('-1880.95000000', 'priceChange')).toBe(-1880.95);
    expect(requiredNumber('-3.003', 'priceChangePercent')).toBe(-3.003);
    expect(requiredNumber('3289695271.67717710', 'quoteVolume')).toBe(3289695271.677177);
    expect(requiredNumber('0.00000000', 'priceChange')).toBe(0);
  });

  it('names the field and the value when the key is missing', () => {
    expect(reasonOf(() => requiredNumber(undefined, 'priceChange'))).toBe(
      'priceChange: expected a decimal string, got undefined (field missing)',
    );
  });

  it('refuses a JSON number where Binance sends a decimal string', () => {
    expect(reasonOf(() => requiredNumber(60755.18, 'lastPrice'))).toBe(
      'lastPrice: expected a decimal string, got 60755.18 (a JSON number)',
    );
  });

  it.each([
    ['', 'lastPrice: expected a decimal string, got ""'],
    ['abc', 'lastPrice: expected a decimal string, got "abc"'],
    ['NaN', 'lastPrice: expected a decimal string, got "NaN"'],
    ['Infinity', 'lastPrice: expected a decimal string, got "Infinity"'],
    [null, 'lastPrice: expected a decimal string, got null'],
    [true, 'lastPrice: expected a decimal string, got true (a JSON boolean)'],
    [{}, 'lastPrice: expected a decimal string, got an object'],
    [['1'], 'lastPrice: expected a decimal string, got an array of 1'],
    ['1e400', 'lastPrice: expected a finite decimal, got "1e400"'],
  ])('refuses %j with a reason naming the field', (raw, reason) => {
    expect(reasonOf(() => requiredNumber(raw, 'lastPrice'))).toBe(reason);
  });

  it('shortens a long bad value such as an HTML page in the reason', () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>';
    expect(reasonOf(() => requiredNumber(html, 'lastPrice'))).toBe(
      'lastPrice: expected a decimal string, got "<!DOCTYPE html><html><head><title>502 Ba…"',
    );
  });
});

describe('requiredPositive', () => {
  it('passes a price above zero', () => {
    expect(requiredPositive('0.00000001', 'lastPrice')).toBe(0.00000001);
    expect(requiredPositive('60755.18000000', 'lastPrice')).toBe(60755.18);
  });

  it('refuses a zero price, as a delisted pair sends it, with "must be > 0"', () => {
    expect(reasonOf(() => requiredPositive('0.00000000', 'lastPrice'))).toBe('lastPrice must be > 0, got "0.00000000"');
  });

  it('refuses a negative price', () => {
    expect(reasonOf(() => requiredPositive('-1.5', 'markPrice'))).toBe('markPrice must be > 0, got "-1.5"');
  });

  it('refuses a malformed value before judging its sign', () => {
    expect(reasonOf(() => requiredPositive('abc', 'markPrice'))).toBe(
      'markPrice: expected a decimal string, got "abc"',
    );
  });
});

describe('requiredNonNegative', () => {
  it('passes zero volume as a real value', () => {
    expect(requiredNonNegative('0.00000000', 'volume')).toBe(0);
    expect(requiredNonNegative('53076.84650000', 'volume')).toBe(53076.8465);
  });

  it('refuses a negative volume', () => {
    expect(reasonOf(() => requiredNonNegative('-0.1', 'volume'))).toBe('volume must be >= 0, got "-0.1"');
  });
});

describe('optionalNumber (0 is a real value)', () => {
  it('keeps a zero funding rate as 0', () => {
    expect(optionalNumber('0.00000000', 'lastFundingRate')).toBe(0);
    expect(optionalNumber('-0.00014066', 'lastFundingRate')).toBe(-0.00014066);
  });

  it('turns Binance blanks ("" and null) into null', () => {
    expect(optionalNumber('', 'lastFundingRate')).toBeNull();
    expect(optionalNumber(null, 'lastFundingRate')).toBeNull();
  });

  it('still refuses a missing key, so a renamed field never becomes a silent null', () => {
    expect(reasonOf(() => optionalNumber(undefined, 'lastFundingRate'))).toBe('lastFundingRate: missing');
  });

  it('refuses a malformed value', () => {
    expect(reasonOf(() => optionalNumber('abc', 'lastFundingRate'))).toBe(
      'lastFundingRate: expected a decimal string, got "abc"',
    );
  });
});

describe('optionalPositive (0 means absent)', () => {
  it('turns a zero bid price into null', () => {
    expect(optionalPositive('0.00000000', 'bidPrice')).toBeNull();
    expect(optionalPositive('0', 'askPrice')).toBeNull();
    expect(optionalPositive('', 'askPrice')).toBeNull();
    expect(optionalPositive(null, 'askPrice')).toBeNull();
  });

  it('passes a real bid price', () => {
    expect(optionalPositive('60755.18000000', 'bidPrice')).toBe(60755.18);
  });

  it('refuses a negative price instead of reading it as absent', () => {
    expect(reasonOf(() => optionalPositive('-60755.18', 'bidPrice'))).toBe('bidPrice must be >= 0, got "-60755.18"');
  });

  it('refuses a missing key and a JSON number', () => {
    expect(reasonOf(() => optionalPositive(undefined, 'bidPrice'))).toBe('bidPrice: missing');
    expect(reasonOf(() => optionalPositive(0, 'bidPrice'))).toBe(
      'bidPrice: expected a decimal string, got 0 (a JSON number)',
    );
  });
});

describe('optionalAboveZero (Binance no-quote sentinels mean absent)', () => {
  it.each(['-0.00000001', '-1.0', '-1', '0', '0.00000000', ''])('reads the sentinel %j as null', (raw) => {
    expect(optionalAboveZero(raw, 'bidIV')).toBeNull();
  });

  it('passes a real implied volatility as a fraction', () => {
    expect(optionalAboveZero('0.708575', 'bidIV')).toBe(0.708575);
  });

  it('refuses malformed text and a missing key', () => {
    expect(reasonOf(() => optionalAboveZero('abc', 'bidIV'))).toBe('bidIV: expected a decimal string, got "abc"');
    expect(reasonOf(() => optionalAboveZero(undefined, 'bidIV'))).toBe('bidIV: missing');
  });
});

describe('timeMs', () => {
  it('passes a ms time up to a day after the reference clock', () => {
    expect(timeMs(1_704_489_129_548, 'closeTime', REF)).toBe(1_704_489_129_548);
    expect(timeMs(REF + 86_400_000, 'closeTime', REF)).toBe(REF + 86_400_000);
    expect(timeMs(MIN_TIME_MS, 'openTime', REF)).toBe(MIN_TIME_MS);
  });

  it('refuses a time more than a day ahead of the reference clock, such as microseconds', () => {
    expect(reasonOf(() => timeMs(1_704_489_129_548_000, 'closeTime', REF))).toBe(
      'closeTime: 1704489129548000 is more than a day after the reference time 1704489130000',
    );
    expect(reasonOf(() => timeMs(REF + 86_400_001, 'closeTime', REF))).toBe(
      'closeTime: 1704575530001 is more than a day after the reference time 1704489130000',
    );
  });

  it('refuses seconds and 0 as before 2017', () => {
    expect(reasonOf(() => timeMs(1_704_489_129, 'closeTime', REF))).toBe(
      'closeTime: 1704489129 is before 2017-01-01, not a Binance ms time',
    );
    expect(reasonOf(() => timeMs(0, 'openTime', REF))).toBe('openTime: 0 is before 2017-01-01, not a Binance ms time');
  });

  it('refuses a time sent as a string, a fraction or NaN', () => {
    expect(reasonOf(() => timeMs('1704489129548', 'closeTime', REF))).toBe(
      'closeTime: expected an integer ms time, got "1704489129548"',
    );
    expect(reasonOf(() => timeMs(1_704_489_129_548.5, 'closeTime', REF))).toBe(
      'closeTime: expected an integer ms time, got 1704489129548.5 (a JSON number)',
    );
    expect(reasonOf(() => timeMs(Number.NaN, 'closeTime', REF))).toBe(
      'closeTime: expected an integer ms time, got NaN (a JSON number)',
    );
  });
});

describe('timeMsFromText', () => {
  it('reads the options openInterest timestamp, which Binance sends as a string', () => {
    expect(timeMsFromText('1668754020000', 'timestamp', 1_668_754_030_000)).toBe(1_668_754_020_000);
  });

  it('also accepts the JSON integer form', () => {
    expect(timeMsFromText(1_668_754_020_000, 'timestamp', 1_668_754_030_000)).toBe(1_668_754_020_000);
  });

  it('refuses non-digit text and applies the same time window', () => {
    expect(reasonOf(() => timeMsFromText('1668754020000.5', 'timestamp', REF))).toBe(
      'timestamp: expected an ms time as digits, got "1668754020000.5"',
    );
    expect(reasonOf(() => timeMsFromText('', 'timestamp', REF))).toBe(
      'timestamp: expected an ms time as digits, got ""',
    );
    expect(reasonOf(() => timeMsFromText('1668754020', 'timestamp', REF))).toBe(
      'timestamp: 1668754020 is before 2017-01-01, not a Binance ms time',
    );
  });
});

describe('dateMs and optionalDateMs', () => {
  it('passes far-future dates such as the perpetual deliveryDate sentinel', () => {
    expect(dateMs(4_133_404_800_000, 'deliveryDate')).toBe(4_133_404_800_000);
    expect(dateMs(MAX_DATE_MS, 'deliveryDate')).toBe(MAX_DATE_MS);
  });

  it('refuses dates outside 2017..2101', () => {
    expect(reasonOf(() => dateMs(MAX_DATE_MS + 1, 'expiryDate'))).toBe(
      'expiryDate: 4133980800001 is outside 2017-01-01..2101-01-01, not a Binance ms time',
    );
    expect(reasonOf(() => dateMs(0, 'expiryDate'))).toBe(
      'expiryDate: 0 is outside 2017-01-01..2101-01-01, not a Binance ms time',
    );
  });

  it('reads nextFundingTime 0 of a delivery contract as null and a real time as itself', () => {
    expect(optionalDateMs(0, 'nextFundingTime')).toBeNull();
    expect(optionalDateMs(1_750_176_000_000, 'nextFundingTime')).toBe(1_750_176_000_000);
    expect(reasonOf(() => optionalDateMs(-1, 'nextFundingTime'))).toBe(
      'nextFundingTime: -1 is outside 2017-01-01..2101-01-01, not a Binance ms time',
    );
  });
});

describe('integer and string parsers', () => {
  it('count passes 0 and refuses negatives, fractions and strings', () => {
    expect(count(0, 'count')).toBe(0);
    expect(count(1_580_643, 'count')).toBe(1_580_643);
    expect(reasonOf(() => count(-1, 'count'))).toBe('count must be >= 0, got -1');
    expect(reasonOf(() => count(1.5, 'count'))).toBe('count: expected an integer count, got 1.5 (a JSON number)');
    expect(reasonOf(() => count('617', 'count'))).toBe('count: expected an integer count, got "617"');
  });

  it('positiveInteger refuses 0', () => {
    expect(positiveInteger(6000, 'limit')).toBe(6000);
    expect(reasonOf(() => positiveInteger(0, 'limit'))).toBe('limit must be > 0, got 0');
  });

  it('requiredString refuses empty strings and non-strings', () => {
    expect(requiredString('BTCUSDT', 'symbol')).toBe('BTCUSDT');
    expect(reasonOf(() => requiredString('', 'contractType'))).toBe(
      'contractType: expected a non-empty string, got ""',
    );
    expect(reasonOf(() => requiredString(5, 'status'))).toBe(
      'status: expected a non-empty string, got 5 (a JSON number)',
    );
  });

  it('oneOf passes a listed value and names the allowed ones otherwise', () => {
    expect(oneOf('CALL', 'side', ['CALL', 'PUT'] as const)).toBe('CALL');
    expect(reasonOf(() => oneOf('C', 'side', ['CALL', 'PUT'] as const))).toBe(
      'side: expected one of CALL|PUT, got "C"',
    );
  });
});
