import { AssignerProtocol } from 'kafkajs';
import { Scenario } from '../figures';
import { call, FaultSystem, ServiceProcess, waitUntil } from '../infra';
import { devices, ServiceRequestTraffic } from '../service-requests';

/**
 * Two inventory instances on one database and consumer group: the SR partitions are shared between them and one
 * holds the relay (the advisory lock). The relay holder is killed (-9) mid-flow; the other must take over both
 * the relay and the dead instance's partitions.
 */
export const twoInstances: Scenario = {
  name: 'two-instances',
  async run({ kafka, scale, system: newSystem }) {
    const system = newSystem();
    const instances = [await system.start('inventory'), await system.start('inventory')];
    const dcc = await system.token({ party: 'DCC', partyType: 'dcc', roles: [] });
    const relayActive = async (instance: ServiceProcess) => ((await call('GET', `${instance.url}/ops/relay`, dcc)).body as { active?: boolean }).active === true;

    const traffic = new ServiceRequestTraffic(system, 9);
    const ids = devices(9, Math.round(300 * scale));
    await traffic.preNotify(ids);
    await traffic.answers();

    const shares = await partitionShares(system, kafka.client());
    if (shares.length !== 2 || shares.some((n) => n === 0)) throw new Error(`partitions not shared by two members: ${JSON.stringify(shares)}`);
    const holder = await waitUntil(async () => {
      const active = await Promise.all(instances.map(relayActive));
      return active.filter(Boolean).length === 1 ? instances[active.indexOf(true)] : undefined;
    }, 30_000, 'exactly one active relay');
    const other = instances.find((i) => i !== holder)!;

    const sending = traffic.update(ids, 'AD');
    await waitUntil(
      async () => (await system.query<{ n: number }>('inventory', `SELECT count(*)::int AS n FROM events WHERE event_type = 'InventoryUpdated'`))[0].n > 0,
      60_000,
      'SR8.4s to be recorded',
    );
    await holder.kill();
    const faultAt = Date.now();
    await waitUntil(() => relayActive(other), 60_000, 'the surviving instance to take the relay over');
    const takeoverSeconds = (Date.now() - faultAt) / 1000;
    await sending;
    const responses = await traffic.answers();
    const recoverySeconds = (Date.now() - faultAt) / 1000;
    const figures = await traffic.account(responses);
    figures.notes.push(`partitions per instance before the kill: ${shares.join(' + ')}; relay taken over in ${takeoverSeconds.toFixed(1)} s`);
    return { scenario: 'two-instances', recoverySeconds, ...figures };
  },
};

/** How many partitions of the SR topic each member of the consumer group holds. */
async function partitionShares(system: FaultSystem, client: ReturnType<FaultSystem['kafka']['client']>): Promise<number[]> {
  const admin = client.admin();
  await admin.connect();
  try {
    return await waitUntil(async () => {
      const { groups } = await admin.describeGroups([system.topic('inventory.service-requests')]);
      const members = groups[0]?.members ?? [];
      const shares = members.map((m) => {
        const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return Object.values(assignment?.assignment ?? {}).reduce((sum, partitions) => sum + partitions.length, 0);
      });
      return groups[0]?.state === 'Stable' && shares.length === 2 ? shares : undefined;
    }, 60_000, 'two members in the SR consumer group');
  } finally {
    await admin.disconnect();
  }
}
