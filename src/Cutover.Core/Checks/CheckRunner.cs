using Cutover.Migration;
using Cutover.Plan;
using Cutover.Values;

namespace Cutover.Checks;

/// <summary>Runs the plan's custom checks. The result's first value is compared with <c>expect</c> as text (numbers in invariant form).</summary>
public static class CheckRunner
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(MigrationContext ctx, CancellationToken ct)
    {
        var results = new List<CheckResult>();
        foreach (var check in ctx.Plan.Checks)
        {
            var store = check.On == CheckSide.Source ? ctx.Source : ctx.Target;
            try
            {
                var value = await store.ScalarAsync(check.Sql, ct).ConfigureAwait(false);
                var actual = Value.Display(value);
                results.Add(new CheckResult(check.Name, check.On, check.Expect, actual, Same(actual, check.Expect), null));
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not Errors.CutoverException { IsTransient: true })
            {
                results.Add(new CheckResult(check.Name, check.On, check.Expect, null, false, ex.Message.Split('\n')[0]));
            }
        }
        return results;
    }

    private static bool Same(string actual, string expected)
    {
        if (actual == expected)
        {
            return true;
        }
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        return double.TryParse(actual, System.Globalization.NumberStyles.Float, ci, out var a)
            && double.TryParse(expected, System.Globalization.NumberStyles.Float, ci, out var b)
            && a == b;
    }
}
