namespace Cutover.Sqlite.Capture;

/// <summary>What acknowledging a batch deletes: per changelog <c>n</c>, the seq range the batch read from it.</summary>
internal sealed record SqliteAckToken(IReadOnlyList<SqliteAckToken.Range> Ranges)
{
    public sealed record Range(int N, long FirstSeq, long LastSeq);
}
