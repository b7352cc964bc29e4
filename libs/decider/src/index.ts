export { Decider, DomainError, fold, decideFrom } from './decider';
export { given } from './given-when-then';
