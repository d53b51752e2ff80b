import { AssignerProtocol, type Assigner, type Cluster, type PartitionAssigner } from 'kafkajs';

/**
 * Which partitions each member gets when partition number p of every topic must go to the same
 * member. All marketpipe topics are keyed by symbol with the same partition count, so partition p
 * of every topic holds the same symbols; a consumer joining several of them (the consolidator's
 * six) sees every source of its symbols only if it owns p everywhere. kafkajs's round-robin
 * assigner spreads topic-partitions individually and breaks that.
 */
export function coPartitionedAssignment(
  memberIds: readonly string[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const numbers = [...new Set([...partitionsByTopic.values()].flat())].sort((a, b) => a - b);
  const owner = new Map<number, string>();
  numbers.forEach((p, i) => owner.set(p, members[i % members.length] as string));
  const out = new Map<string, Record<string, number[]>>();
  for (const m of members) out.set(m, {});
  for (const [topic, partitions] of partitionsByTopic) {
    for (const p of [...partitions].sort((a, b) => a - b)) {
      const assignment = out.get(owner.get(p) as string) as Record<string, number[]>;
      (assignment[topic] ??= []).push(p);
    }
  }
  return out;
}

/** The kafkajs partition assigner over coPartitionedAssignment. */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }: { cluster: Cluster }): Assigner => ({
  name: 'MarketpipeCoPartitionedAssigner',
  version: 1,
  async assign({ members, topics }) {
    const partitionsByTopic = new Map<string, number[]>();
    for (const topic of topics) {
      partitionsByTopic.set(
        topic,
        cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId),
      );
    }
    const assignment = coPartitionedAssignment(
      members.map((m) => m.memberId),
      partitionsByTopic,
    );
    return [...assignment].map(([memberId, topicsOfMember]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: topicsOfMember,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'MarketpipeCoPartitionedAssigner',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});
