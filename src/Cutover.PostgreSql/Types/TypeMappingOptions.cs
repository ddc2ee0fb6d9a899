namespace Cutover.PostgreSql.Types;

/// <summary>The choices a plan makes about SQLite types that have more than one faithful PostgreSQL form.</summary>
public sealed record TypeMappingOptions
{
    /// <summary>The defaults: dates as text, JSON as text, booleans as boolean.</summary>
    public static TypeMappingOptions Default { get; } = new();

    public DateMapping Dates { get; init; } = DateMapping.Text;

    public JsonMapping Json { get; init; } = JsonMapping.Text;

    public BooleanMapping Booleans { get; init; } = BooleanMapping.Boolean;
}
