using Cutover.Schema;
using Cutover.Transform;

namespace Cutover.Plan;

/// <summary>
/// Decides what a target column's values are (<see cref="ColumnKind"/>) and how they get there (<see cref="ColumnConversion"/>):
/// the source's own kind, the plan's <c>types:</c> block for columns declared as dates, JSON or booleans, and a column's own
/// <c>dates</c>, <c>json</c>, <c>booleans</c> and <c>type</c> keys. Contradictions are plan errors at the column's line.
/// </summary>
internal static class ColumnTyping
{
    public sealed record Decision(ColumnKind Kind, ColumnConversion Conversion, string? Note);

    /// <param name="sourceKind">The source column's kind (Dynamic for SQLite, and for added columns).</param>
    /// <param name="declared">The target's declared type: the plan's <c>type:</c>, or the source's.</param>
    public static Decision Decide(MigrationPlan plan, string table, string column, ColumnKind sourceKind, string sourceDeclared, string declared,
        ColumnPlan? cp, List<PlanError> errors)
    {
        var at = cp?.At ?? default;
        var family = TypeFamily.Of(declared);
        var planType = cp?.Type;
        // A plan type: names the target type, and values are cast toward it: the column is no longer the source's kind.
        var kind = planType is null ? sourceKind : ColumnKind.Dynamic;
        var readsRaw = sourceKind is ColumnKind.Dynamic or ColumnKind.Text or ColumnKind.Integer or ColumnKind.Real;
        var wide = sourceKind == ColumnKind.Dynamic;

        void Error(string message, string fix) => errors.Add(new PlanError(at, message, fix));

        if ((cp?.Dates is not null || cp?.Json is not null) && !readsRaw)
        {
            Error($"column '{column}' of '{table}' is already {sourceDeclared} in the source; dates: and json: read text or numbers",
                "remove the key; the values keep their type");
            return new Decision(kind, ColumnConversion.None, null);
        }

        // dates: the column's own key, else the plan's for columns declared (or typed by type:) as dates; type: timestamptz asks
        // for instants.
        var dates = cp?.Dates ?? (wide && family is TypeFamily.Family.Date or TypeFamily.Family.Timestamp ? plan.Types.Dates : null);
        if (planType is not null && TypeFamily.IsTimestampWithZone(planType) && dates is null or DatesOption.Text)
        {
            if (cp!.Dates == DatesOption.Text)
            {
                Error($"column '{column}' of '{table}' asks for type: {planType} but dates: text keeps its values as text",
                    "write dates: iso, epoch_seconds or epoch_ms for it, or another type:");
                return new Decision(kind, ColumnConversion.None, null);
            }
            dates = plan.Types.Dates == DatesOption.Text ? DatesOption.Iso : plan.Types.Dates;
        }
        if (dates is DatesOption.Iso or DatesOption.EpochSeconds or DatesOption.EpochMs)
        {
            var isDate = dates == DatesOption.Iso && family == TypeFamily.Family.Date;
            if (planType is not null && family is not (TypeFamily.Family.Date or TypeFamily.Family.Timestamp))
            {
                Error($"column '{column}' of '{table}' has type: {planType}, which cannot hold the dates dates: {Snake(dates.Value)} reads",
                    "leave type: out, or write type: timestamptz (type: date for YYYY-MM-DD dates under dates: iso)");
                return new Decision(kind, ColumnConversion.None, null);
            }
            if (planType is not null && family == TypeFamily.Family.Date && dates != DatesOption.Iso)
            {
                Error($"column '{column}' of '{table}' has type: {planType}, but dates: {Snake(dates.Value)} gives instants, not dates",
                    "write type: timestamptz, or leave type: out");
                return new Decision(kind, ColumnConversion.None, null);
            }
            var conversion = dates switch
            {
                DatesOption.Iso => isDate ? ColumnConversion.IsoDate : ColumnConversion.IsoTimestamp,
                DatesOption.EpochSeconds => ColumnConversion.EpochSeconds,
                _ => ColumnConversion.EpochMilliseconds,
            };
            var what = dates switch
            {
                DatesOption.Iso => isDate ? "ISO-8601 dates -> date" : "ISO-8601 text -> timestamp (UTC when no zone is given)",
                DatesOption.EpochSeconds => "Unix seconds -> timestamp",
                _ => "Unix milliseconds -> timestamp",
            };
            return new Decision(isDate ? ColumnKind.Date : ColumnKind.Timestamp, conversion, $"{column}: {what} (dates: {Snake(dates.Value)})");
        }

        var json = cp?.Json ?? (wide && family == TypeFamily.Family.Json ? plan.Types.Json : null);
        if (planType is not null && TypeFamily.IsJsonb(planType) && json != JsonOption.Jsonb)
        {
            if (cp!.Json == JsonOption.Text)
            {
                Error($"column '{column}' of '{table}' asks for type: {planType} but json: text keeps its values as text", "write json: jsonb, or another type:");
                return new Decision(kind, ColumnConversion.None, null);
            }
            json = JsonOption.Jsonb;
        }
        if (json == JsonOption.Jsonb)
        {
            if (planType is not null && family != TypeFamily.Family.Json)
            {
                Error($"column '{column}' of '{table}' has type: {planType}, which cannot hold the JSON json: jsonb reads", "leave type: out, or write type: jsonb");
                return new Decision(kind, ColumnConversion.None, null);
            }
            return new Decision(ColumnKind.Json, ColumnConversion.Json, $"{column}: JSON text -> JSON value, compared as jsonb compares it (json: jsonb)");
        }

        var booleans = cp?.Booleans ?? (wide && family == TypeFamily.Family.Boolean ? plan.Types.Booleans : null);
        if (booleans is not null && sourceKind is not (ColumnKind.Dynamic or ColumnKind.Integer or ColumnKind.Boolean))
        {
            Error($"column '{column}' of '{table}' is {sourceDeclared} in the source, not 0/1 integers; booleans: applies to integer columns",
                "remove booleans: for this column");
            return new Decision(kind, ColumnConversion.None, null);
        }
        if (booleans == BooleansOption.Boolean && (planType is null || family == TypeFamily.Family.Boolean))
        {
            return new Decision(ColumnKind.Boolean, ColumnConversion.None,
                family == TypeFamily.Family.Boolean && cp?.Booleans is null ? null : $"{column}: 0/1 -> boolean (booleans: boolean)");
        }
        if (booleans == BooleansOption.Boolean)
        {
            Error($"column '{column}' of '{table}' has type: {planType}, but booleans: boolean makes it a boolean", "leave type: out, or write type: boolean");
            return new Decision(kind, ColumnConversion.None, null);
        }
        if (booleans == BooleansOption.Integer && (family == TypeFamily.Family.Boolean || sourceKind == ColumnKind.Boolean))
        {
            return new Decision(ColumnKind.Integer, ColumnConversion.None, $"{column}: booleans kept as the integers stored (booleans: integer)");
        }
        return new Decision(kind, ColumnConversion.None, null);
    }

    private static string Snake(DatesOption d) => d switch
    {
        DatesOption.EpochSeconds => "epoch_seconds",
        DatesOption.EpochMs => "epoch_ms",
        _ => d.ToString().ToLowerInvariant(),
    };
}
