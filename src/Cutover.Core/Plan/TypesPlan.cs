namespace Cutover.Plan;

/// <summary>
/// The plan's <c>types:</c> block: how SQLite stores values that have more than one typed form, for every column whose
/// declared type names them (DATE/DATETIME/TIMESTAMP, JSON, BOOLEAN). A column's own <c>dates</c>, <c>json</c> or
/// <c>booleans</c> key overrides it (<see cref="ColumnPlan"/>).
/// </summary>
public sealed record TypesPlan(DatesOption Dates, JsonOption Json, BooleansOption Booleans)
{
    /// <summary>Dates and JSON kept as text, BOOLEAN columns as booleans: nothing is converted.</summary>
    public static TypesPlan Default { get; } = new(DatesOption.Text, JsonOption.Text, BooleansOption.Boolean);
}
