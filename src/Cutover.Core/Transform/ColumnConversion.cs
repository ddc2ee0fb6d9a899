namespace Cutover.Transform;

/// <summary>How a column's values are turned into typed values on the way (the plan's <c>dates</c> and <c>json</c> options).</summary>
public enum ColumnConversion
{
    /// <summary>Values are kept as they are (or cast, when the plan gives a <c>type:</c>).</summary>
    None,

    /// <summary>ISO-8601 text to an instant (<see cref="Values.Timestamp"/>): <c>dates: iso</c>.</summary>
    IsoTimestamp,

    /// <summary><c>YYYY-MM-DD</c> text to a date (<see cref="Values.Date"/>): <c>dates: iso</c> on a column declared DATE.</summary>
    IsoDate,

    /// <summary>Unix epoch seconds to an instant: <c>dates: epoch_seconds</c>.</summary>
    EpochSeconds,

    /// <summary>Unix epoch milliseconds to an instant: <c>dates: epoch_ms</c>.</summary>
    EpochMilliseconds,

    /// <summary>JSON text to a JSON value compared by value (<see cref="Values.Json"/>): <c>json: jsonb</c>.</summary>
    Json,
}
