using Sourceless.Store;

namespace Sourceless.Tests.Support;

public static class StoreReader
{
    /// <summary>Rows of a query as "a|b|c" strings, sorted: easy to compare between runs.</summary>
    public static List<string> Lines(string runFolder, string sql)
    {
        using var store = TrialStore.Open(Path.Combine(runFolder, TrialStore.FileName));
        return store.Query(sql).Select(r => string.Join('|', r.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))).Order(StringComparer.Ordinal).ToList();
    }

    public static long Count(string runFolder, string sql) => long.Parse(Lines(runFolder, sql).Single(), System.Globalization.CultureInfo.InvariantCulture);
}
