using Sourceless.Store;

namespace Sourceless.Experiments.Search;

/// <summary>One search or repair candidate run on the hidden cases (table candidate_runs): what
/// the contender would have handed over had it stopped at this candidate.</summary>
[Table("candidate_runs")]
public sealed record CandidateRunRow(string RowId, string ArtifactId, int Seq, string CodeSha256, string Outcome, int CasesPassed, int CasesTotal, string Detail) : IRow;
