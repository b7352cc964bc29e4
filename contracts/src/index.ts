// What crosses a service boundary: the glossary, event payloads and their JSON Schemas.
export * from './glossary';
export * from './events';
