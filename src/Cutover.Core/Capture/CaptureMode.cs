namespace Cutover.Capture;

/// <summary>How writes on the source are captured while the copy runs (plan key <c>capture:</c>).</summary>
public enum CaptureMode
{
    /// <summary>No capture: an offline migration; the source must not change during the copy.</summary>
    None,

    /// <summary>Triggers Cutover installs record every insert, update and delete in a changelog table (SQLite and PostgreSQL).</summary>
    Triggers,

    /// <summary>PostgreSQL logical replication (pgoutput): no triggers on the captured tables, a replication slot instead.</summary>
    Logical,
}
