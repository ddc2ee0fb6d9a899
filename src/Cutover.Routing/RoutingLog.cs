using Microsoft.Extensions.Logging;

namespace Cutover.Routing;

/// <summary>
/// What the router and the control source log (source-generated, so a disabled level costs nothing). Keys are logged,
/// values never: a value may hold personal data, a key is what an operator needs to find the conflict.
/// </summary>
internal static partial class RoutingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "dual {Operation} of {Entity} key {Key}: the {Side} side failed ({Error}); recorded as a partial write for cutover reconcile")]
    public static partial void PartialWrite(ILogger logger, string operation, string entity, string key, string side, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "dual {Operation} of {Entity} key {Key}: both sides failed ({Error})")]
    public static partial void BothFailed(ILogger logger, string operation, string entity, string key, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "shadow read of {Entity} key {Key}: old and new differ in [{Fields}]{Error}; recorded as a conflict")]
    public static partial void ShadowMismatch(ILogger logger, string entity, string key, string fields, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "{Entity}: {Breach}; routing set to {Control}")]
    public static partial void Breach(ILogger logger, string entity, string breach, string control);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "{Entity}: {Breach}; the routing control could not be changed: {Error}")]
    public static partial void BreachNotApplied(ILogger logger, string entity, string breach, string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "{Entity} key {Key}: the conflict journal refused a {Kind}: {Error}")]
    public static partial void JournalFailed(ILogger logger, string entity, string key, string kind, string error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "routing control version {Version}: {Control} ({Reason})")]
    public static partial void ControlChanged(ILogger logger, long version, string control, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "routing control: {Problem}")]
    public static partial void ControlProblem(ILogger logger, string problem);

    /// <summary>"dual-write (old leads), reads 10%, writes 50%": the control in one phrase.</summary>
    public static string Describe(Cutover.State.RoutingControl c) =>
        $"{c.Stage} ({c.Lead} leads), reads {c.ReadPercent}% new, writes {c.WritePercent}% new";
}
