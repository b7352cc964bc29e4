export { Decider, DomainError, fold } from './decider';
export { given } from './given-when-then';
