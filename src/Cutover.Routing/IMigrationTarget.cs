namespace Cutover.Routing;

/// <summary>
/// One side of a migration as the application sees it: a keyed store that can be read, written and deleted.
/// The application implements it twice (old store, new store); <see cref="MigrationRouter{TKey, TValue}"/> implements it
/// once more over both.
/// </summary>
public interface IMigrationTarget<in TKey, TValue>
    where TKey : notnull
{
    /// <summary>The value under <paramref name="key"/>, or null (default) when there is none.</summary>
    ValueTask<TValue?> ReadAsync(TKey key, CancellationToken ct);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there.</summary>
    ValueTask WriteAsync(TKey key, TValue value, CancellationToken ct);

    /// <summary>Removes <paramref name="key"/>; removing an absent key is not an error.</summary>
    ValueTask DeleteAsync(TKey key, CancellationToken ct);
}
