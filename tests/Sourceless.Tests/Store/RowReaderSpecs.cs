using System.Numerics;
using Sourceless.Store;

namespace Sourceless.Tests.Store;

/// <summary>Query results read into records by column name (TrialStore.Rows, Store/RowReader.cs):
/// the order of the columns does not matter, and a missing, extra or mistyped column, or a NULL
/// where the record has no room for one, fails with the column's name, before any row is read.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class RowReaderSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-rowread");
    private readonly TrialStore _store;

    public RowReaderSpecs() => _store = TrialStore.Open(_tmp.Sub("read.duckdb"));

    public void Dispose()
    {
        _store.Dispose();
        _tmp.Dispose();
    }

    public sealed record Mixed(string Name, int Count, long Total, double? Rate, bool Flag, byte[]? Blob);

    public sealed record Wide(long Sum, double Mean, decimal Exact, int Small);

    [Fact]
    public void Maps_columns_by_name_whatever_their_order()
    {
        var rows = _store.Rows<Mixed>("""
            SELECT '\x01\x02'::BLOB AS blob, TRUE AS flag, 0.25 AS rate, 7::BIGINT AS total, 3 AS count, 'a' AS name
            UNION ALL SELECT NULL, FALSE, NULL, 8, 4, 'b'
            ORDER BY name
            """);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new Mixed("a", 3, 7, 0.25, true, rows[0].Blob), rows[0]);
        Assert.Equal(new byte[] { 1, 2 }, rows[0].Blob);
        Assert.Equal(new Mixed("b", 4, 8, null, false, null), rows[1]);
    }

    [Fact]
    public void Converts_hugeint_sums_decimals_and_longs()
    {
        const string sql = """
            SELECT SUM(v) AS sum, AVG(v) AS mean, 2.50::DECIMAL(5,2) AS exact, COUNT(*) AS small
            FROM (SELECT 40::INTEGER AS v UNION ALL SELECT 2)
            """;
        // What DuckDB hands back, so the test covers the conversions it names.
        var raw = _store.Query(sql)[0];
        Assert.IsType<BigInteger>(raw["sum"]);
        Assert.IsType<decimal>(raw["exact"]);
        Assert.IsType<long>(raw["small"]);
        Assert.Equal(new Wide(42, 21.0, 2.50m, 2), Assert.Single(_store.Rows<Wide>(sql)));
        // A decimal and a whole number widen into a double.
        Assert.Equal(2.5, Assert.Single(_store.Rows<OnlyRate>("SELECT 2.50::DECIMAL(5,2) AS rate")).Rate);
        Assert.Equal(3.0, Assert.Single(_store.Rows<OnlyRate>("SELECT SUM(v) AS rate FROM (SELECT 3 AS v)")).Rate);
    }

    public sealed record OnlyRate(double Rate);

    [Fact]
    public void A_missing_column_fails_naming_it_even_when_no_row_comes_back()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            _store.Rows<Mixed>("SELECT 'a' AS name, 1 AS count, 2 AS totals, 0.5 AS rate, TRUE AS flag, NULL::BLOB AS blob WHERE FALSE"));
        Assert.Contains("Mixed", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing total;", e.Message, StringComparison.Ordinal);
        Assert.Contains("not in the record totals;", e.Message, StringComparison.Ordinal);
        Assert.Contains("the query returned name, count, totals, rate, flag, blob", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extra_column_fails_naming_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => _store.Rows<OnlyRate>("SELECT 0.5 AS rate, 1 AS spare FROM faults"));
        Assert.Contains("OnlyRate", e.Message, StringComparison.Ordinal);
        Assert.Contains("not in the record spare;", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_into_a_non_nullable_int_fails_naming_the_column()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            _store.Rows<Mixed>("SELECT 'a' AS name, NULL::INTEGER AS count, 2 AS total, 0.5 AS rate, TRUE AS flag, NULL::BLOB AS blob"));
        Assert.Contains("Mixed.Count", e.Message, StringComparison.Ordinal);
        Assert.Contains("column count is NULL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_of_the_wrong_kind_fails_before_any_row()
    {
        // A real number into an int would round; text into a number would parse. Both are drift.
        var e = Assert.Throws<InvalidOperationException>(() =>
            _store.Rows<Mixed>("SELECT 'a' AS name, AVG(position) AS count, 2 AS total, 0.5 AS rate, TRUE AS flag, NULL::BLOB AS blob FROM faults WHERE FALSE"));
        Assert.Contains("Mixed.Count is Int32 but column count is Double", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InvalidOperationException>(() => _store.Rows<OnlyRate>("SELECT '0.5' AS rate WHERE FALSE"));
        Assert.Contains("column rate is String", e.Message, StringComparison.Ordinal);
    }
}
