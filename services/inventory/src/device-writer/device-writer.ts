import { Decider, DomainError } from '@smi/decider';
import { Actor, Aggregate, BatchCommand, NewEvent, PostgresEventStore, StreamRef, WrittenStream, handleBatch } from '@smi/event-store';
import { DataSource, EntityManager } from 'typeorm';
import {
  answered,
  ChangeDeviceStatus,
  ChangeResponsibleSupplier,
  decideServiceRequest,
  Device,
  DeviceCommand,
  DeviceEvent,
  DeviceState,
  deviceStreamId,
  normaliseDeviceId,
  normaliseRequestId,
  parseEui64,
  RequestChannel,
  Sender,
  SERVICE_REQUEST_ANSWERED,
  ServiceRequestAnswered,
  ServiceRequestCommand,
  serviceRequestStreamId,
} from '../device-aggregate';
import {
  DeviceRowUpdate,
  ServiceRequestRowInsert,
  insertServiceRequests,
  readDeviceSnapshots,
  upsertDevices,
} from '../smi-read-model/smi-projection';

export type DeviceDecider = Decider<DeviceCommand, DeviceState, DeviceEvent>;
export type DeviceReportCommand = ChangeDeviceStatus | ChangeResponsibleSupplier;

/** One command to apply, with where it came from and the id its events are correlated by. */
export type DeviceWork =
  | { kind: 'service-request'; command: ServiceRequestCommand; channel: RequestChannel; correlationId: string }
  | { kind: 'report'; command: DeviceReportCommand; channel: RequestChannel; correlationId: string };

export type DeviceWorkResult =
  /** A Service Request's answer; `repeated` when its RequestID had been answered before (nothing new recorded). */
  | { kind: 'answered'; answer: ServiceRequestAnswered; repeated: boolean }
  /** A DSP report applied; `events` is empty when it changed nothing. `device` is the state right after it. */
  | { kind: 'reported'; events: DeviceEvent[]; device: Device }
  /** Nothing recorded: a report the rules refuse, or a command the decider cannot read (MALFORMED). */
  | { kind: 'refused'; error: DomainError };

const DEVICE_STREAM_PREFIX = 'device-';

/** A Service Request's stream holds its answer: the first one stands, so a repeated RequestID finds it and records nothing. */
type RequestRecord = ServiceRequestAnswered | undefined;
const serviceRequests: Aggregate<RequestRecord, ServiceRequestAnswered> = {
  initialState: () => undefined,
  evolve: (earlier, event) => earlier ?? (event.type === SERVICE_REQUEST_ANSWERED ? event : undefined),
};

/**
 * The inventory's write path for one command or a batch of them (the Kafka consumer hands over up to 500), on the
 * libraries' handleBatch: every device stream and Service Request stream the batch touches read at once, the
 * commands decided in order against state that includes the batch's own earlier decisions (a device twice in a
 * batch sees its first change), one appendMany — device streams at the version read, request streams as new
 * streams — and the inline read models in the same transaction. A lost race decides the batch again, so a
 * concurrent command is neither lost nor applied twice, and a concurrent duplicate RequestID finds the winner's answer.
 *
 * A device's smi_devices row is its snapshot: written in the transaction of its events, it is the stream's state at
 * the row's version, and is taken where that is still the stream's version.
 */
export class DeviceWriter {
  private readonly devices: Aggregate<DeviceState, DeviceEvent>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: DeviceDecider,
  ) {
    this.devices = {
      initialState: () => decider.initialState(),
      evolve: (state, event) => decider.evolve(state, event),
      loadSnapshots: async (manager, streamIds) => {
        const snapshots = await readDeviceSnapshots(manager, streamIds.map((streamId) => streamId.slice(DEVICE_STREAM_PREFIX.length)));
        return new Map(snapshots.map(({ device, version }) => [`${DEVICE_STREAM_PREFIX}${device.deviceId}`, { state: device, version }]));
      },
    };
  }

  /**
   * Decides and appends, retried on a lost race. `runner` is a DataSource (a new transaction) or the EntityManager of
   * the caller's transaction (the consumer's inbox transaction: each attempt is a savepoint of it).
   */
  async write(runner: DataSource | EntityManager, works: DeviceWork[]): Promise<DeviceWorkResult[]> {
    if (works.length === 0) return [];
    const outcomes = await handleBatch(runner, {
      store: this.store,
      commands: works.map((work) => this.command(work)),
      metadata: { correlationId: works[0].correlationId },
      project: (manager, written) => project(manager, written.of(this.devices), written.of(serviceRequests)),
    });
    return outcomes.map((outcome) => (outcome.kind === 'refused' ? outcome : outcome.value));
  }

  private command(work: DeviceWork): BatchCommand<DeviceWorkResult> {
    const key = streamsOf(work);
    // A command whose device or RequestID cannot be read names no stream: it is refused as it is decided.
    if (key instanceof DomainError) {
      return {
        streams: [],
        decide: () => {
          throw key;
        },
      };
    }
    const device: StreamRef<DeviceState, DeviceEvent> = { aggregate: this.devices, streamId: key.device };
    if (work.kind === 'report') {
      return {
        streams: [device],
        decide: (decisions) => {
          const events = this.decider.decide(work.command, decisions.state(device));
          return { kind: 'reported', events, device: decisions.record(device, events, eventMetadata(work, work.command.requestId)) as Device };
        },
      };
    }
    const request: StreamRef<RequestRecord, ServiceRequestAnswered> = { aggregate: serviceRequests, streamId: key.request as string };
    return {
      streams: [device, request],
      decide: (decisions) => {
        const earlier = decisions.state(request);
        if (earlier) return { kind: 'answered', answer: earlier, repeated: true };
        // The decider reads (and refuses) the sender first, so the metadata is built from a checked one.
        const { response, events } = decideServiceRequest(work.command, decisions.state(device), this.decider);
        const metadata = eventMetadata(work, response.requestId);
        decisions.record(device, events, metadata);
        const answer = answered(response, {
          deviceId: normaliseDeviceId(work.command.deviceId),
          sender: canonicalSender(work.command.sender),
          channel: work.channel,
          receivedAt: work.command.at,
        });
        decisions.record(request, [answer], metadata);
        return { kind: 'answered', answer, repeated: false };
      },
    };
  }
}

/** One upsert for every device the batch changed, one insert for every request it answered. */
async function project(manager: EntityManager, devices: WrittenStream<DeviceState>[], requests: WrittenStream<RequestRecord>[]): Promise<void> {
  const deviceRows: DeviceRowUpdate[] = [];
  for (const { state, version, recorded } of devices) {
    // A device that is not in the SMI (an E19 refusal is all its stream holds) has no row.
    if (state.kind !== 'device') continue;
    deviceRows.push({ device: state, version, createdAt: recorded[0].recordedAt, updatedAt: recorded[recorded.length - 1].recordedAt });
  }
  const requestRows: ServiceRequestRowInsert[] = requests.map(({ state, recorded: [record] }) => ({
    answer: state as ServiceRequestAnswered,
    correlationId: record.metadata.correlationId,
    position: record.position,
  }));
  await upsertDevices(manager, deviceRows);
  await insertServiceRequests(manager, requestRows);
}

function streamsOf(work: DeviceWork): { device: string; request?: string } | DomainError {
  try {
    const device = deviceStreamId(work.command.deviceId);
    if (work.kind === 'report') return { device };
    return { device, request: serviceRequestStreamId(normaliseRequestId(work.command.requestId)) };
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

/** Who and why, on every event: the sender as actor, the correlation id, how the command arrived and its id. */
function eventMetadata(work: DeviceWork, requestId: string): NewEvent['metadata'] {
  const sender = canonicalSender(work.command.sender);
  const actor: Actor = { userId: sender.userId, partyId: sender.partyId, partyType: sender.partyType, roles: [...sender.roles] };
  return { actor, correlationId: work.correlationId, channel: work.channel, requestId };
}

/** The sender as the decider records it: a DCC User ID in canonical form (an integration's id as it is). */
function canonicalSender(sender: Sender): Sender {
  return { ...sender, userId: parseEui64(sender.userId) ?? sender.userId, roles: [...sender.roles] };
}
