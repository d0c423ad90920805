/** One target, judged on the figures as measured. */
export interface Check {
  readonly name: string;
  readonly limit: string;
  readonly measured: string;
  readonly met: boolean;
}
