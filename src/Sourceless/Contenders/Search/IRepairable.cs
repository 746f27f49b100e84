namespace Sourceless.Contenders.Search;

/// <summary>A contender that holds a conversation and can take feedback in it: <c>@repair:N</c>
/// gives it a failing build or visible case back, up to N more rounds.</summary>
public interface IRepairable
{
    IContender WithRepair(int rounds);
}
