/** The command line is wrong: the message names what, and the usage text follows it. Exit code 2. */
export class OpsUsageError extends Error {}

/**
 * The command could not be carried out (a service unreachable, a token refused, a refusal by a service): the
 * message is the one line printed on stderr. Exit code 1.
 */
export class OpsFailure extends Error {}
