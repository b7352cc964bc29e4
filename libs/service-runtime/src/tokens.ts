/** Injection tokens provided by ServicePlatformModule. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const SERVICE_SETTINGS = Symbol('SERVICE_SETTINGS');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const MESSAGE_PRODUCER = Symbol('MESSAGE_PRODUCER');
export const TOPICS = Symbol('TOPICS');
export const LOGGER = Symbol('LOGGER');
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const PLATFORM_TOPIC_SPECS = Symbol('PLATFORM_TOPIC_SPECS');
