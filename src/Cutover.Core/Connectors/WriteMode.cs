namespace Cutover.Connectors;

/// <summary>How a batch is written.</summary>
public enum WriteMode
{
    /// <summary>Plain insert: a key already present is a failure.</summary>
    Insert,

    /// <summary>Insert or replace by key: used to replay rows that may already be on the target after a crash.</summary>
    Upsert,
}
