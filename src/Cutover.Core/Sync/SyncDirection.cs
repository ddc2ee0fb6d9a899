namespace Cutover.Sync;

/// <summary>Which way captured changes flow: from the authoritative store to the other one.</summary>
public enum SyncDirection
{
    /// <summary>Source to target: before the cut-over (the source is authoritative).</summary>
    Forward,

    /// <summary>Target to source: after the cut-over, so the old store stays current and a rollback loses no write.</summary>
    Reverse,
}
