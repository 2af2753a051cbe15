/**
 * Exit codes of every command, in one place (README "Exit codes" lists the same). Monitoring and
 * schedulers match on them.
 */
export const EXIT = {
  ok: 0,
  /** once: a company's work was not sent (KSeF refused it), an inbox could not be read or purchases were not downloaded; preview: data problems; status: degraded */
  notDone: 1,
  /** configuration or usage: wrong options, a missing --config, every problem of the configuration */
  config: 2,
  /** another agent holds the state root (its pid, host, start time and command are named) */
  locked: 3,
  /** once: nothing moved for once.patienceMs while work waited (KSeF unreachable) */
  outOfPatience: 4,
  /** status: failing — a person must act (company refused, folder unusable, disk full) */
  failing: 5,
  /** a bug */
  internal: 70,
} as const;
