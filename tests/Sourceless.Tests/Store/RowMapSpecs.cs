using Sourceless.Store;

namespace Sourceless.Tests.Store;

/// <summary>Typed rows and the schema cannot drift apart: every row record maps, by name, onto
/// exactly the columns of its table in Schema.Sql (a real DuckDB file made from it).</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class RowMapSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-rowmap");

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Every_row_record_has_exactly_its_tables_columns()
    {
        using var store = TrialStore.Open(_tmp.Sub("schema.duckdb"));
        var types = RowMap.AllRowTypes();
        Assert.True(types.Count >= 9, $"{types.Count} row types");
        foreach (var type in types)
        {
            var map = RowMap.Of(type);
            var columns = store.Rows<SchemaColumn>("SELECT column_name FROM information_schema.columns WHERE table_name = $1", map.Table)
                .Select(r => r.ColumnName).ToHashSet();
            Assert.True(columns.Count > 0, $"{type.Name}: no table {map.Table}");
            Assert.Equal(columns.Order(StringComparer.Ordinal), map.Columns.Append("session").Order(StringComparer.Ordinal));
        }
    }

    private sealed record SchemaColumn(string ColumnName);

    [Fact]
    public void Names_map_from_pascal_case_to_the_stores_snake_case()
    {
        Assert.Equal("check_name", RowMap.Snake("CheckName"));
        Assert.Equal("v1_artifact_id", RowMap.Snake("V1ArtifactId"));
        Assert.Equal("outcome_v10", RowMap.Snake("OutcomeV10"));
        Assert.Equal("bytes_v2", RowMap.Snake("BytesV2"));
        Assert.Equal("v2_passed", RowMap.Snake("V2Passed"));
    }
}
