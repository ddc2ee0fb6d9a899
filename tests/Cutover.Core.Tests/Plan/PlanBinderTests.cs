using Cutover.Core.Tests.Support;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.Transform;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Plan;

public class PlanBinderTests
{
    private static readonly TableSchema Users = Table("users", [Col("id", "INTEGER", pk: 1), Col("name", "TEXT", notNull: true)]);

    private static BoundEntity BindOne(DatabaseSchema schema, params string[] entityLines)
    {
        var (bound, errors) = PlanBinder.Bind(Plans.Entities(entityLines), schema);
        Assert.Empty(errors);
        return Assert.Single(bound);
    }

    private static PlanError BindError(DatabaseSchema schema, params string[] entityLines)
    {
        var (bound, errors) = PlanBinder.Bind(Plans.Entities(entityLines), schema);
        Assert.Empty(bound);
        return Assert.Single(errors);
    }

    [Fact]
    public void Bind_NoKeyInPlan_KeyDefaultsToPrimaryKey()
    {
        var b = BindOne(Db(Users), "  - table: users");

        Assert.Equal(["id"], b.Plan.Key);
        Assert.Equal(["id", "name"], b.SourceColumns);
        Assert.Equal([0], b.SourceKeyIndexes);
        Assert.Equal(["id"], b.Target.Key);
        Assert.False(b.Target.KeyIsRowid);
        Assert.Equal(
            [new TargetColumn("id", "INTEGER", false, null), new TargetColumn("name", "TEXT", true, null)],
            b.Target.Columns);
        Assert.Empty(b.Notes);
    }

    [Fact]
    public void Bind_KeyInOtherCase_UsesTheSchemaSpelling()
    {
        var b = BindOne(Db(Users), "  - table: USERS", "    key: ID");

        Assert.Equal(["id"], b.Plan.Key);
        Assert.Equal("users", b.Source.Name);
    }

    [Fact]
    public void Bind_NoPrimaryKeyRowidTable_KeysByRowidWithNote()
    {
        var logs = Table("logs", [Col("msg", "TEXT")]);

        var b = BindOne(Db(logs), "  - table: logs");

        Assert.True(b.KeyIsRowid);
        Assert.Equal(["rowid"], b.SourceKey);
        Assert.Equal(["rowid", "msg"], b.SourceColumns);
        Assert.Equal([0], b.SourceKeyIndexes);
        Assert.True(b.Target.KeyIsRowid);
        Assert.Empty(b.Target.Key);
        Assert.Contains(b.Notes, n => n.Contains("no primary key", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_WithoutRowidTableAndNoPrimaryKey_IsAnError()
    {
        var t = Table("kv", [Col("k", "TEXT")], hasRowid: false);

        var e = BindError(Db(t), "  - table: kv");

        Assert.Equal("table 'kv' has no primary key", e.Message);
        Assert.Equal(4, e.At.Line);
    }

    [Fact]
    public void Bind_RowidKeyOnWithoutRowidTable_IsAnError()
    {
        var t = Table("kv", [Col("k", "TEXT", pk: 1)], hasRowid: false);

        var e = BindError(Db(t), "  - table: kv", "    key: rowid");

        Assert.Equal("table 'kv' is WITHOUT ROWID, so it has no rowid", e.Message);
        Assert.Equal(5, e.At.Line);
    }

    [Fact]
    public void Bind_UnknownKeyColumn_ReportsAtKeyLine()
    {
        var e = BindError(Db(Users), "  - table: users", "    key: uid");

        Assert.Equal("key column 'uid' is not in table 'users'", e.Message);
        Assert.Equal((5, 5), (e.At.Line, e.At.Column));
        Assert.Equal("columns: id, name", e.Fix);
    }

    [Fact]
    public void Bind_UnknownColumnInColumns_NamesColumnAndLine()
    {
        var e = BindError(Db(Users), "  - table: users", "    columns:", "      nmae: { rename: full_name }");

        Assert.Equal("column 'nmae' is not in table 'users'", e.Message);
        Assert.StartsWith("plan.yaml:6:7: ", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_TableNotInSource_ListsTables()
    {
        var e = BindError(Db(Users), "  - table: people");

        Assert.Equal("table 'people' is not in the source", e.Message);
        Assert.Equal("tables in the source: users", e.Fix);
    }

    [Fact]
    public void Bind_ViewNamedAsTable_SaysItIsAView()
    {
        var schema = new DatabaseSchema([Users], ["active_users"]);

        var e = BindError(schema, "  - table: active_users");

        Assert.Equal("'active_users' is a view, not a table", e.Message);
    }

    [Fact]
    public void Bind_NewColumnWithDefault_IsAddedWithInferredTypeAndNote()
    {
        var b = BindOne(Db(Users), "  - table: users", "    columns:", "      status: { default: \"it's\" }", "      level: { default: 3, type: smallint }");

        Assert.Equal(new TargetColumn("status", "TEXT", false, "'it''s'"), b.Target.Columns[2]);
        Assert.Equal(new TargetColumn("level", "smallint", false, "3"), b.Target.Columns[3]);
        var status = b.Mappings[2];
        Assert.Equal(-1, status.SourceIndex);
        Assert.True(status.HasDefault);
        Assert.Equal("it's", status.Default);
        Assert.Null(status.Cast);
        Assert.Equal(Affinity.Integer, b.Mappings[3].Cast);
        Assert.Equal(["id", "name"], b.SourceColumns);
        Assert.Contains("adds column 'status' = it's", b.Notes);
    }

    [Fact]
    public void Bind_RenameOntoExistingColumn_IsACollision()
    {
        var e = BindError(Db(Users), "  - table: users", "    columns:", "      id: { rename: name }");

        Assert.Equal("two columns of 'users' would both be named 'name' on the target", e.Message);
        Assert.Equal(6, e.At.Line);
    }

    [Fact]
    public void Bind_RenameAndCast_MapsTargetNameAndAffinity()
    {
        var b = BindOne(Db(Users), "  - table: users", "    columns:", "      name: { rename: full_name, type: varchar(80) }");

        Assert.Equal(new TargetColumn("full_name", "varchar(80)", true, null), b.Target.Columns[1]);
        Assert.Equal(new ColumnMapping("full_name", "name", 1, Affinity.Text, false, null, InvalidUtf8Policy.Keep, null, false), b.Mappings[1]);
    }

    [Fact]
    public void Bind_DroppedColumn_IsNotReadNorWritten()
    {
        var t = Table("t", [Col("id", pk: 1), Col("junk", "BLOB"), Col("v", "TEXT")]);

        var b = BindOne(Db(t), "  - table: t", "    columns:", "      junk: { drop: true }");

        Assert.Equal(["id", "v"], b.SourceColumns);
        Assert.Equal(["id", "v"], b.Target.Columns.Select(c => c.Name));
        Assert.Equal(1, b.Mappings[1].SourceIndex);
    }

    [Fact]
    public void Bind_DroppedKeyColumn_IsAnError()
    {
        var e = BindError(Db(Users), "  - table: users", "    columns:", "      id: { drop: true }");

        Assert.Equal("key column 'id' cannot be dropped", e.Message);
        Assert.Equal(6, e.At.Line);
    }

    [Fact]
    public void Bind_RekeyedParent_KeyAndReferencingColumnsBecomeTextMappedThroughIdMap()
    {
        var sessions = Table("sessions", [Col("id", "INTEGER", pk: 1), Col("created_at", "TEXT")], autoIncrement: true);
        var messages = Table("messages", [Col("id", "INTEGER", pk: 1), Col("session_id", "INTEGER")], foreignKeys: [Fk("session_id", "sessions", "id")]);
        var plan = Plans.Entities(
            "  - table: sessions",
            "    key: id",
            "    rekey: { to: ulid, time_from: created_at }",
            "  - table: messages",
            "    references: { session_id: sessions }");

        var (bound, errors) = PlanBinder.Bind(plan, Db(sessions, messages));

        Assert.Empty(errors);
        var (s, m) = (bound[0], bound[1]);
        Assert.Equal("TEXT", s.Target.Columns[0].DeclaredType);
        Assert.Equal(("sessions", true), (s.Mappings[0].IdMapEntity, s.Mappings[0].IsRekeyedKey));
        Assert.Equal(1, s.RekeyTimeIndex);
        Assert.False(s.Target.AutoIncrement); // new ids are ULIDs, not a counter
        Assert.Equal("INTEGER", m.Target.Columns[0].DeclaredType);
        Assert.Null(m.Mappings[0].IdMapEntity);
        Assert.Equal("TEXT", m.Target.Columns[1].DeclaredType);
        Assert.Equal(("sessions", false), (m.Mappings[1].IdMapEntity, m.Mappings[1].IsRekeyedKey));
    }

    [Fact]
    public void Bind_RekeyedColumnAlreadyText_KeepsDeclaredType()
    {
        var t = Table("t", [Col("code", "varchar(26)", pk: 1)]);

        var b = BindOne(Db(t), "  - table: t", "    rekey: { to: ulid, column: code }");

        Assert.Equal("varchar(26)", b.Target.Columns[0].DeclaredType);
    }

    [Fact]
    public void Bind_MissingTimeFromColumn_IsAnError()
    {
        var e = BindError(Db(Users), "  - table: users", "    key: id", "    rekey: { to: ulid, time_from: born }");

        Assert.Equal("time_from column 'born' is not a (kept) column of 'users'", e.Message);
    }

    [Fact]
    public void Bind_ForeignKey_RepointedAtRenamedParentTableAndColumns()
    {
        var orders = Table("orders", [Col("id", pk: 1), Col("user_id")], foreignKeys: [Fk("user_id", "users", "id"), Fk("id", "elsewhere", "x")]);
        var plan = Plans.Entities(
            "  - table: users",
            "    to: people",
            "    columns: { id: { rename: person_id } }",
            "  - table: orders",
            "    columns: { user_id: { rename: owner_id } }");

        var (bound, errors) = PlanBinder.Bind(plan, Db(Users, orders, Table("elsewhere", [Col("x", pk: 1)])));

        Assert.Empty(errors);
        // The key to 'elsewhere' is dropped: that table is not copied.
        var fk = Assert.Single(bound[1].Target.ForeignKeys);
        Assert.Equal(["owner_id"], fk.Columns);
        Assert.Equal("people", fk.RefTable);
        Assert.Equal(["person_id"], fk.RefColumns);
    }

    [Fact]
    public void Bind_ImplicitForeignKeyToParentPrimaryKey_KeptWhenPlanGivesNoKey()
    {
        // REFERENCES users (no column list) targets users' primary key; inspectors report that as "".
        var orders = Table("orders", [Col("id", pk: 1), Col("user_id")], foreignKeys: [Fk("user_id", "users", "")]);
        var plan = Plans.Entities("  - table: users", "    to: people", "    columns: { id: { rename: person_id } }", "  - table: orders");

        var (bound, errors) = PlanBinder.Bind(plan, Db(Users, orders));

        Assert.Empty(errors);
        var fk = Assert.Single(bound[1].Target.ForeignKeys);
        Assert.Equal("people", fk.RefTable);
        Assert.Equal(["person_id"], fk.RefColumns);
    }

    [Fact]
    public void Bind_ExpressionIndex_DroppedWithNote_PlainIndexFollowsRename()
    {
        var t = Table("t", [Col("id", pk: 1), Col("email", "TEXT")], indexes:
        [
            new IndexSchema("ix_email", true, ["email"], false),
            new IndexSchema("ix_lower", false, [], true),
        ]);

        var b = BindOne(Db(t), "  - table: t", "    columns: { email: { rename: mail } }");

        var ix = Assert.Single(b.Target.Indexes);
        Assert.Equal(new IndexSchema("ix_email", true, ix.Columns, false), ix);
        Assert.Equal(["mail"], ix.Columns);
        Assert.Contains(b.Notes, n => n.StartsWith("index ix_lower uses expressions", StringComparison.Ordinal));
    }
}
