// Binance error bodies ({"code":…,"msg":…}); messages as in the API's error-code list.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }

  body(): string {
    return JSON.stringify({ code: this.code, msg: this.message });
  }
}

export const invalidSymbol = (): ApiError => new ApiError(400, -1121, 'Invalid symbol.');
export const invalidInterval = (): ApiError => new ApiError(400, -1120, 'Invalid interval.');
export const mandatory = (name: string): ApiError =>
  new ApiError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
export const emptyParam = (name: string): ApiError => new ApiError(400, -1105, `Parameter '${name}' was empty.`);
export const illegalChars = (name: string, legal: string): ApiError =>
  new ApiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${legal}'.`);
export const invalidValue = (name: string): ApiError =>
  new ApiError(400, -1130, `Data sent for parameter '${name}' is not valid.`);
export const unknownParam = (): ApiError => new ApiError(400, -1103, 'An unknown parameter was sent.');
export const duplicateParam = (): ApiError => new ApiError(400, -1101, 'Duplicate values for a parameter detected.');
export const badCombination = (): ApiError => new ApiError(400, -1128, 'Combination of optional parameters invalid.');
export const duplicateSymbols = (): ApiError =>
  new ApiError(400, -1151, 'Symbol is present multiple times in the list.');
export const invalidTickerType = (): ApiError => new ApiError(400, -1139, 'Invalid ticker type.');
