namespace Cutover.PostgreSql.Types;

/// <summary>What the target writer must do to a SQLite value so it fits the mapped PostgreSQL column.</summary>
public enum ValueConversion
{
    /// <summary>Written as read.</summary>
    None,

    /// <summary>0 → false, 1 → true; any other value is rejected with its key, never guessed.</summary>
    IntegerToBoolean,

    /// <summary>ISO-8601 text parsed to a timestamp (or date).</summary>
    IsoTextToTimestamp,

    /// <summary>Unix epoch seconds to a timestamp.</summary>
    EpochSecondsToTimestamp,

    /// <summary>Unix epoch milliseconds to a timestamp.</summary>
    EpochMillisecondsToTimestamp,

    /// <summary>JSON text parsed into jsonb.</summary>
    TextToJsonb,
}
