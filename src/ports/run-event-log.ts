/**
 * The persisted log of a run's events (`run.started`, `step.finished`, `run.finished` …). Server-Sent
 * Events are served from it, so a client reconnecting with Last-Event-ID, or arriving after the run
 * finished, gets exactly what it missed. Live delivery goes through the EventBus; this is the record.
 */
export interface RunEventRecord {
  runId: string;
  /** From 1, increasing within a run across attempts: the SSE event id. */
  seq: number;
  type: string;
  data: unknown;
  createdAt: Date;
}

export interface RunEventLog {
  /** Appends with the next sequence number. One writer per run (its processor) is assumed. */
  append(
    organisationId: string,
    runId: string,
    event: { type: string; data: unknown },
  ): Promise<RunEventRecord>;
  /** Events with seq > afterSeq, in order. */
  listAfter(
    organisationId: string,
    runId: string,
    afterSeq: number,
    limit?: number,
  ): Promise<RunEventRecord[]>;
}
