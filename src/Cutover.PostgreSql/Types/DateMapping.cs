namespace Cutover.PostgreSql.Types;

/// <summary>How SQLite DATE, DATETIME and TIMESTAMP columns land in PostgreSQL.</summary>
public enum DateMapping
{
    /// <summary><c>text</c>, values kept exactly as stored (the default: lossless whatever the format).</summary>
    Text,

    /// <summary><c>timestamptz</c> (<c>date</c> for DATE) from ISO-8601 text such as <c>2024-05-01 12:00:00</c>.</summary>
    TimestampIso,

    /// <summary><c>timestamptz</c> from Unix epoch seconds.</summary>
    TimestampEpochSeconds,

    /// <summary><c>timestamptz</c> from Unix epoch milliseconds.</summary>
    TimestampEpochMs,
}
