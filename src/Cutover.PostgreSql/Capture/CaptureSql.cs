using Cutover.PostgreSql.Internal;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// The SQL of what capture installs in schema <c>_cutover</c> (docs/capture.md). Identifiers are always quoted; trigger
/// functions are SECURITY DEFINER with a fixed search_path, so an application role that may write a table but not read
/// <c>_cutover</c> still passes (or meets) the freeze and is still captured.
/// </summary>
internal static class CaptureSql
{
    public const string Schema = "_cutover";

    /// <summary>Serializes installs and removals (a second <c>cutover</c> process waits instead of racing).</summary>
    public const string Lock = "SELECT pg_advisory_xact_lock(hashtext('cutover.capture'))";

    public const string FreezeTrigger = "_cutover_freeze";

    public const string CaptureTrigger = "_cutover_capture";

    /// <summary>The schema, the control row and the table registry. Idempotent.</summary>
    public const string Base =
        """
        CREATE SCHEMA IF NOT EXISTS _cutover;
        CREATE TABLE IF NOT EXISTS _cutover.control (
          id int PRIMARY KEY CHECK (id = 1),
          frozen boolean NOT NULL DEFAULT false,
          message text NOT NULL DEFAULT '');
        INSERT INTO _cutover.control (id) VALUES (1) ON CONFLICT (id) DO NOTHING;
        CREATE SEQUENCE IF NOT EXISTS _cutover.frozen MINVALUE 0 MAXVALUE 1 START 0;
        CREATE TABLE IF NOT EXISTS _cutover.tables (
          n int PRIMARY KEY,
          name text NOT NULL UNIQUE,
          columns text[] NOT NULL,
          key text[] NOT NULL);
        """;

    /// <summary>
    /// The freeze: refuses a write with SQLSTATE 55000 and <c>WRITES_FROZEN: message</c> unless the transaction applies
    /// Cutover's own changes. The flag is the control row's. Under READ COMMITTED each statement of the function reads the
    /// row as last committed; a REPEATABLE READ or SERIALIZABLE transaction reads it as of its snapshot, which may be older
    /// than the freeze, so it also reads the sequence <c>_cutover.frozen</c> (1 when frozen): a sequence is read as it is
    /// now, whatever the snapshot. (Only then: reading it costs as much as the rest of the check.)
    /// </summary>
    public const string FreezeFunction =
        """
        CREATE OR REPLACE FUNCTION _cutover.freeze() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $cutover$
        DECLARE
          f boolean;
          m text;
        BEGIN
          IF current_setting('cutover.applying', true) IS DISTINCT FROM 'on' THEN
            SELECT c.frozen, c.message INTO f, m FROM _cutover.control c WHERE c.id = 1;
            IF NOT f AND current_setting('transaction_isolation') <> 'read committed' THEN
              f := (SELECT s.last_value FROM _cutover.frozen s) = 1;
              m := '';
            END IF;
            IF f THEN
              m := CASE WHEN m <> '' THEN m ELSE 'writes are frozen' END;
              RAISE EXCEPTION USING ERRCODE = '55000',
                MESSAGE = CASE WHEN m LIKE 'WRITES\_FROZEN:%' THEN m ELSE 'WRITES_FROZEN: ' || m END;
            END IF;
          END IF;
          IF TG_OP = 'DELETE' THEN
            RETURN OLD;
          END IF;
          RETURN NEW;
        END
        $cutover$;
        """;

    public static string CreateTrigger(string name, string when, string table, string function) =>
        $"CREATE TRIGGER {PgSql.Quote(name)} {when} INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()";

    public const string Sequence = "CREATE SEQUENCE IF NOT EXISTS _cutover.seq";

    /// <summary>
    /// The changelog of one table: order, transaction, operation, time, then the captured columns declared with the source
    /// columns' own types (<paramref name="types"/>, as <c>format_type</c> prints them), so a row image reads back as the copy
    /// reads the table. Indexed by transaction, since a read takes whole transactions.
    /// </summary>
    public static string CreateLog(CapturedTable t, IReadOnlyList<string> types)
    {
        var columns = t.Columns.Select((c, i) => $",\n  {PgSql.Quote(c)} {types[i]}");
        return $"""
            CREATE TABLE IF NOT EXISTS {t.Log} (
              _cutover_seq bigint NOT NULL DEFAULT nextval('_cutover.seq') PRIMARY KEY,
              _cutover_tx bigint NOT NULL DEFAULT txid_current(),
              _cutover_op text NOT NULL,
              _cutover_at timestamptz NOT NULL DEFAULT clock_timestamp(){string.Concat(columns)});
            CREATE INDEX IF NOT EXISTS {PgSql.Quote("log_" + t.N + "_tx")} ON {t.Log} (_cutover_tx);
            """;
    }

    public static string CaptureFunction(CapturedTable t) => $"{Schema}.capture_{t.N}";

    /// <summary>
    /// The capture trigger function of one table: the new row for an insert or update, the old row for a delete, and for an
    /// update that changes the key a delete of the old key then an insert of the new one. Nothing when Cutover applies.
    /// </summary>
    public static string CreateCaptureFunction(CapturedTable t)
    {
        var columns = PgSql.QuoteList(t.Columns);
        string Values(string op, string image) => $"INSERT INTO {t.Log} (_cutover_op, {columns}) VALUES ('{op}', {string.Join(", ", t.Columns.Select(c => image + "." + PgSql.Quote(c)))});";
        var keyChanged = t.Key.Count == 0
            ? "false"
            : $"ROW({string.Join(", ", t.Key.Select(k => "OLD." + PgSql.Quote(k)))}) IS DISTINCT FROM ROW({string.Join(", ", t.Key.Select(k => "NEW." + PgSql.Quote(k)))})";
        return $"""
            CREATE OR REPLACE FUNCTION {CaptureFunction(t)}() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $cutover$
            BEGIN
              IF current_setting('cutover.applying', true) = 'on' THEN
                RETURN NULL;
              END IF;
              IF TG_OP = 'INSERT' THEN
                {Values("I", "NEW")}
              ELSIF TG_OP = 'DELETE' THEN
                {Values("D", "OLD")}
              ELSIF {keyChanged} THEN
                {Values("D", "OLD")}
                {Values("I", "NEW")}
              ELSE
                {Values("U", "NEW")}
              END IF;
              RETURN NULL;
            END
            $cutover$;
            """;
    }

    /// <summary>Every trigger whose function lives in <c>_cutover</c>, on whatever table: (trigger, table as regclass text).</summary>
    public const string InstalledTriggers =
        """
        SELECT t.tgname::text, t.tgrelid::regclass::text FROM pg_trigger t
        JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = '_cutover' AND NOT t.tgisinternal
        """;
}
