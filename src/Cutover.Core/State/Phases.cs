namespace Cutover.State;

/// <summary>Phase names, in the order a migration passes through them. Stored and printed as these strings.</summary>
public static class Phases
{
    public const string Preflight = "preflight";
    public const string Capture = "capture";
    public const string Backup = "backup";
    public const string Schema = "schema";
    public const string IdMap = "idmap";
    public const string Copy = "copy";
    public const string Indexes = "indexes";
    public const string Verify = "verify";
    public const string Checks = "checks";
    public const string Complete = "complete";
}
