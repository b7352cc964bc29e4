// The one port around kafkajs: services and other libs see only these types, so the client library can be
// replaced (kafkajs is in maintenance mode) without touching them.
export { topicName, type KafkaSettings, type KafkaLogLevel } from './settings';
export type { OutgoingMessage, IncomingMessage } from './messages';
export { KafkaClient, partitionLag, type MessageProducer, type TopicMessages, type TopicSpec, type ClusterInfo, type PartitionLag } from './kafka-client';
export type { GroupConsumer, GroupConsumerSettings, PartitionBatch, PartitionBatchHandler } from './group-consumer';
