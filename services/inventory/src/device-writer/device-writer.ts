import { Decider, DomainError, fold } from '@smi/decider';
import {
  Actor,
  AppendRequest,
  ConcurrencyError,
  NO_STREAM,
  NewEvent,
  PostgresEventStore,
  RecordedEvent,
  toDomainEvent,
  toNewEvent,
} from '@smi/event-store';
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

/** Enough for every realistic pile-up on one device: each lost race means another writer won. */
const DEFAULT_MAX_ATTEMPTS = 20;

interface DeviceSlot {
  streamId: string;
  state: DeviceState;
  /** Stream version as read: the expected version of the append. */
  version: number;
  pending: NewEvent[];
}

/**
 * The inventory's write path for one command or a batch of them (the Kafka consumer hands over up to 500).
 *
 * One attempt reads every device stream and Service Request stream the batch touches in one query, decides
 * the commands in order against state that includes the batch's own earlier decisions (a device twice in a
 * batch sees its first change), appends everything with one appendMany — device streams at the version read,
 * request streams as new streams — and updates the inline read models in the same transaction.
 *
 * A lost race (ConcurrencyError: another transaction appended to one of the streams first) rolls the attempt
 * back and the whole batch is decided again against the new state, so a concurrent command is neither lost
 * nor applied twice, and a concurrent duplicate RequestID finds the winner's answer.
 */
export class DeviceWriter {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: DeviceDecider,
  ) {}

  /**
   * Decides and appends with retries. Each attempt runs in a transaction of `runner`: a new one on a
   * DataSource, a savepoint inside the caller's transaction on an EntityManager (the consumer's inbox
   * transaction), so a retry undoes only this attempt.
   */
  async write(runner: DataSource | EntityManager, works: DeviceWork[], maxAttempts = DEFAULT_MAX_ATTEMPTS): Promise<DeviceWorkResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runner.transaction((manager) => this.decideAndAppend(manager, works));
      } catch (error) {
        if (error instanceof ConcurrencyError && attempt < maxAttempts) continue;
        throw error;
      }
    }
  }

  /** One attempt inside `manager`'s transaction; throws ConcurrencyError when it lost a race. */
  async decideAndAppend(manager: EntityManager, works: DeviceWork[]): Promise<DeviceWorkResult[]> {
    if (works.length === 0) return [];
    const keys = works.map(streamsOf);
    const deviceStreams = new Set<string>();
    const requestStreams = new Set<string>();
    for (const key of keys) {
      if (key instanceof DomainError) continue;
      deviceStreams.add(key.device);
      if (key.request) requestStreams.add(key.request);
    }

    const devices = new Map<string, DeviceSlot>();
    // A device's smi_devices row is written in the transaction of its events: a snapshot of the stream at the
    // row's version. Taken only when that is the stream's version now; any other device (one with only refusals
    // has no row) is folded from its stream.
    for (const snapshot of await readDeviceSnapshots(manager, [...deviceStreams].map((streamId) => streamId.slice(DEVICE_STREAM_PREFIX.length)))) {
      if (snapshot.version !== snapshot.streamVersion) continue;
      const streamId = `${DEVICE_STREAM_PREFIX}${snapshot.device.deviceId}`;
      devices.set(streamId, { streamId, state: snapshot.device, version: snapshot.version, pending: [] });
    }
    const histories = await this.store.readStreams([...requestStreams, ...[...deviceStreams].filter((streamId) => !devices.has(streamId))], manager);

    const answers = new Map<string, ServiceRequestAnswered>();
    for (const [streamId, history] of histories) {
      if (isRequestStream(streamId)) {
        const first = history.find((e) => e.type === SERVICE_REQUEST_ANSWERED);
        if (first) answers.set(streamId, toDomainEvent<ServiceRequestAnswered>(first));
      } else {
        devices.set(streamId, {
          streamId,
          state: fold(this.decider, history.map((e) => toDomainEvent<DeviceEvent>(e))),
          version: history.length === 0 ? 0 : history[history.length - 1].streamVersion,
          pending: [],
        });
      }
    }

    const requestAppends: AppendRequest[] = [];
    const newAnswers: Array<{ answer: ServiceRequestAnswered; correlationId: string; streamId: string }> = [];
    const results: DeviceWorkResult[] = works.map((work, i) => {
      const key = keys[i];
      if (key instanceof DomainError) return { kind: 'refused', error: key };
      const slot = devices.get(key.device) as DeviceSlot;
      try {
        if (work.kind === 'service-request') {
          const requestStream = key.request as string;
          const earlier = answers.get(requestStream);
          if (earlier) return { kind: 'answered', answer: earlier, repeated: true };
          // The decider reads (and refuses) the sender first, so the metadata is built from a checked one.
          const { response, events } = decideServiceRequest(work.command, slot.state, this.decider);
          const metadata = eventMetadata(work, response.requestId);
          this.apply(slot, events, metadata);
          const answer = answered(response, {
            deviceId: normaliseDeviceId(work.command.deviceId),
            sender: canonicalSender(work.command.sender),
            channel: work.channel,
            receivedAt: work.command.at,
          });
          answers.set(requestStream, answer);
          requestAppends.push({ streamId: requestStream, events: [{ ...toNewEvent(answer), metadata }], expectedVersion: NO_STREAM });
          newAnswers.push({ answer, correlationId: work.correlationId, streamId: requestStream });
          return { kind: 'answered', answer, repeated: false };
        }
        const events = this.decider.decide(work.command, slot.state);
        this.apply(slot, events, eventMetadata(work, work.command.requestId));
        return { kind: 'reported', events, device: slot.state as Device };
      } catch (error) {
        if (error instanceof DomainError) return { kind: 'refused', error };
        throw error;
      }
    });

    const deviceAppends: AppendRequest[] = [...devices.values()]
      .filter((slot) => slot.pending.length > 0)
      .map((slot) => ({ streamId: slot.streamId, events: slot.pending, expectedVersion: slot.version === 0 ? NO_STREAM : slot.version }));
    const appended = await this.store.appendMany([...deviceAppends, ...requestAppends], { correlationId: works[0].correlationId }, manager);
    await this.project(manager, appended, devices, newAnswers);
    return results;
  }

  private apply(slot: DeviceSlot, events: DeviceEvent[], metadata: NewEvent['metadata']): void {
    for (const event of events) {
      slot.state = this.decider.evolve(slot.state, event);
      slot.pending.push({ ...toNewEvent(event), metadata });
    }
  }

  private async project(
    manager: EntityManager,
    appended: Array<{ streamId: string; nextVersion: number; events: RecordedEvent[] }>,
    devices: Map<string, DeviceSlot>,
    newAnswers: Array<{ answer: ServiceRequestAnswered; correlationId: string; streamId: string }>,
  ): Promise<void> {
    const byStream = new Map(appended.map((a) => [a.streamId, a]));
    const deviceRows: DeviceRowUpdate[] = [];
    for (const slot of devices.values()) {
      const result = byStream.get(slot.streamId);
      // A device that is not in the SMI (an E19 refusal is all its stream holds) has no row.
      if (!result || result.events.length === 0 || slot.state.kind !== 'device') continue;
      deviceRows.push({
        device: slot.state,
        version: result.nextVersion,
        createdAt: result.events[0].recordedAt,
        updatedAt: result.events[result.events.length - 1].recordedAt,
      });
    }
    const requestRows: ServiceRequestRowInsert[] = newAnswers.map(({ answer, correlationId, streamId }) => ({
      answer,
      correlationId,
      position: (byStream.get(streamId) as { events: RecordedEvent[] }).events[0].position,
    }));
    await upsertDevices(manager, deviceRows);
    await insertServiceRequests(manager, requestRows);
  }
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

function isRequestStream(streamId: string): boolean {
  return streamId.startsWith('service-request-');
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
