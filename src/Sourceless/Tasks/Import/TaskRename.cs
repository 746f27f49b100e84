using System.Text.RegularExpressions;

namespace Sourceless.Tasks.Import;

/// <summary>
/// A second function of a name already taken by an earlier one in the import gets the name of its
/// file appended (<c>maxProfit</c> in leetcode/src/121.c becomes <c>maxProfit_121</c>): the task
/// name is the function's name, so every use of the identifier in its ref.c is renamed with it.
/// The renamed source is the same program (a consistent rename of one identifier), and the
/// checks it passed still hold.
/// </summary>
public static partial class TaskRename
{
    /// <summary>A free name for a function from <paramref name="origin"/> ("dir/file.c:line"), or null.</summary>
    public static string? FreeName(string name, string origin, Func<string, bool> taken)
    {
        string file = Path.GetFileNameWithoutExtension(origin.Split(':')[0]);
        string stem = NotIdentifier().Replace(file, "_").Trim('_');
        string basis = stem.Length == 0 ? name : $"{name}_{stem}";
        for (int i = 1; i < 100; i++)
        {
            string candidate = i == 1 ? basis : $"{basis}_{i}";
            if (candidate.Length <= 64 && !taken(candidate)) return candidate;
        }
        return null;
    }

    public static ImportedTask To(ImportedTask t, string name) => t with
    {
        Name = name,
        Shape = t.Shape with { Signature = t.Shape.Signature with { Name = name } },
        ReferenceSource = Regex.Replace(t.ReferenceSource, $@"\b{Regex.Escape(t.Name)}\b", name),
    };

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex NotIdentifier();
}
