using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace Sourceless.Store;

/// <summary>A raw row: a positional record, marked with its <see cref="TableAttribute"/>, whose
/// parameters are the table's columns by name (PascalCase for snake_case: CheckName is check_name),
/// the key first (row_id, fault_id...). The session column is added by the store.</summary>
public interface IRow;

/// <summary>The table a row record is stored in (Store/Schema.cs).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TableAttribute(string name) : Attribute
{
    public string Name => name;
}

/// <summary>
/// The one place row records meet tables: the table from <see cref="TableAttribute"/>, the columns
/// from the record's parameters, by name. Inserts name their columns, so a column added or
/// reordered in the schema cannot silently shift values; the test RowMapSpecs checks every row
/// type against Schema.Sql.
/// </summary>
public sealed class RowMap
{
    private static readonly ConcurrentDictionary<Type, RowMap> Maps = new();

    public string Table { get; }
    public IReadOnlyList<string> Columns { get; }
    private readonly IReadOnlyList<PropertyInfo> _properties;

    private RowMap(Type type)
    {
        Table = type.GetCustomAttribute<TableAttribute>()?.Name
            ?? throw new InvalidOperationException($"{type.Name} is a row without a [Table]");
        var parameters = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();
        _properties = parameters.Select(p => type.GetProperty(p.Name!) ?? throw new InvalidOperationException($"{type.Name}.{p.Name} is not a property")).ToList();
        Columns = parameters.Select(p => Snake(p.Name!)).ToList();
    }

    public static RowMap Of(Type type) => Maps.GetOrAdd(type, t => new RowMap(t));

    public object?[] Values(IRow row) => _properties.Select(p => p.GetValue(row)).ToArray();

    /// <summary>CheckName -> check_name, V1ArtifactId -> v1_artifact_id, OutcomeV10 -> outcome_v10.</summary>
    public static string Snake(string pascal)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]))) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Every row type of the assembly (for the schema check).</summary>
    public static IReadOnlyList<Type> AllRowTypes() =>
        typeof(IRow).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(IRow).IsAssignableFrom(t)).ToList();
}
