namespace Cutover.Plan;

/// <summary>How a column's dates are stored in the source (<c>dates:</c>), and so what they become.</summary>
public enum DatesOption
{
    /// <summary>Kept as the text (or numbers) stored: nothing is parsed.</summary>
    Text,

    /// <summary>ISO-8601 text, read as instants (timestamptz); a column declared DATE holds dates (date).</summary>
    Iso,

    /// <summary>Unix epoch seconds, read as instants.</summary>
    EpochSeconds,

    /// <summary>Unix epoch milliseconds, read as instants.</summary>
    EpochMs,
}
