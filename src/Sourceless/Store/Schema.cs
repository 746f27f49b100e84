namespace Sourceless.Store;

/// <summary>The store's tables (docs/store-schema.md explains each column). Raw rows only: every
/// score in a report is computed from these by the SQL printed next to it.</summary>
public static class Schema
{
    /// <summary>Stored in the trial table as schema_version; a store of another version is refused
    /// with a message rather than misread. 2: debug_checks.status, audits.status 'tool_error'. 3: the settings stored once, as one JSON value (trial key settings). 4: visible and hidden cases (test_cases.visible), search candidates (candidates, candidate_runs), model_requests.round.</summary>
    public const int Version = 4;

    public const string Sql = """
        CREATE TABLE IF NOT EXISTS trial (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE IF NOT EXISTS sessions (session INTEGER PRIMARY KEY, started VARCHAR, finished VARCHAR, command VARCHAR, elapsed_s DOUBLE);
        CREATE TABLE IF NOT EXISTS stages (session INTEGER, stage VARCHAR, seconds DOUBLE, items INTEGER);
        CREATE TABLE IF NOT EXISTS tools (tool VARCHAR PRIMARY KEY, version VARCHAR);
        CREATE TABLE IF NOT EXISTS test_cases (task VARCHAR, version VARCHAR, case_index INTEGER, kind VARCHAR, arguments VARCHAR, expected VARCHAR,
            visible BOOLEAN, PRIMARY KEY (task, version, visible, case_index));
        CREATE TABLE IF NOT EXISTS artifacts (
            artifact_id VARCHAR PRIMARY KEY, task VARCHAR, version VARCHAR, contender VARCHAR, target VARCHAR,
            isa VARCHAR, compiler VARCHAR, opt VARCHAR, generation INTEGER,
            status VARCHAR, failure VARCHAR, code BLOB, code_sha256 VARCHAR, code_bytes INTEGER,
            has_source BOOLEAN, has_object BOOLEAN, dependencies VARCHAR, latency_ms DOUBLE, session INTEGER,
            source VARCHAR, object_file BLOB, debug_image BLOB);
        CREATE TABLE IF NOT EXISTS invocations (artifact_id VARCHAR, seq INTEGER, tool VARCHAR, version VARCHAR, command_line VARCHAR,
            exit_code INTEGER, duration_ms DOUBLE);
        CREATE TABLE IF NOT EXISTS executions (
            execution_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, experiment VARCHAR, run_isa VARCHAR, libdep VARCHAR,
            outcome VARCHAR, signal INTEGER, cases_passed INTEGER, cases_total INTEGER, wall_ms DOUBLE, runtime_ns BIGINT,
            detail VARCHAR, command_line VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS faults (
            fault_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, kind VARCHAR, position INTEGER, bit INTEGER, edit VARCHAR,
            source_line INTEGER, outcome VARCHAR, signal INTEGER, diagnostic_line INTEGER, fault_line INTEGER,
            located BOOLEAN, value INTEGER, detail VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS iterations (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, v1_artifact_id VARCHAR, outcome VARCHAR,
            v2_passed INTEGER, v2_total INTEGER, kept_passed INTEGER, kept_total INTEGER,
            edit_unit VARCHAR, units_changed INTEGER, units_total INTEGER, latency_ms DOUBLE, detail VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS diffs (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, v1_artifact_id VARCHAR,
            source_lines_changed INTEGER, source_diff VARCHAR, bytes_v1 INTEGER, bytes_v2 INTEGER, bytes_changed INTEGER,
            bsdiff_bytes INTEGER, hunks INTEGER, hunks_attributed INTEGER, bytes_outside_function INTEGER, attribution VARCHAR,
            hunk_detail VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS debug_checks (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, check_name VARCHAR, passed BOOLEAN, evidence VARCHAR, command_line VARCHAR,
            status VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS structure (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, functions_named INTEGER, params_total INTEGER, params_typed INTEGER,
            locals_typed INTEGER, comment_lines INTEGER, code_bytes INTEGER, named_bytes INTEGER, evidence VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS dependencies (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, declared VARCHAR, inferred VARCHAR, sbom VARCHAR,
            outcome_v10 VARCHAR, outcome_v11 VARCHAR, fix_observable BOOLEAN, follows_library BOOLEAN, detail VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS audits (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, variant VARCHAR, tool VARCHAR, status VARCHAR, flagged BOOLEAN,
            findings VARCHAR, command_line VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS hardening (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, stack_protector VARCHAR, cet_endbr VARCHAR, position_independent VARCHAR,
            evidence VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS corpus_runs (
            row_id VARCHAR PRIMARY KEY, folder VARCHAR, programs INTEGER, compiles INTEGER, compile_failures INTEGER, records INTEGER,
            duplicates INTEGER, seconds DOUBLE, jobs INTEGER, session INTEGER);
        CREATE TABLE IF NOT EXISTS learning_curve (
            row_id VARCHAR PRIMARY KEY, source VARCHAR, pairs_available INTEGER, step BIGINT, pairs_seen BIGINT, tokens_seen BIGINT,
            train_loss DOUBLE, heldout INTEGER, exact DOUBLE, pass DOUBLE, unseen_pass DOUBLE, seconds DOUBLE, session INTEGER);
        CREATE TABLE IF NOT EXISTS model_requests (
            artifact_id VARCHAR, seq INTEGER, attempt INTEGER, endpoint VARCHAR, model VARCHAR, mode VARCHAR, prompt_version VARCHAR,
            status INTEGER, outcome VARCHAR, latency_ms DOUBLE, prompt_tokens BIGINT, completion_tokens BIGINT, reply VARCHAR, error VARCHAR,
            round INTEGER);
        CREATE TABLE IF NOT EXISTS candidates (
            artifact_id VARCHAR, seq INTEGER, strategy VARCHAR, status VARCHAR, failure VARCHAR, code BLOB, code_sha256 VARCHAR,
            visible_outcome VARCHAR, visible_passed INTEGER, visible_total INTEGER, visible_detail VARCHAR, chosen BOOLEAN,
            generate_ms DOUBLE, check_ms DOUBLE, PRIMARY KEY (artifact_id, seq));
        CREATE TABLE IF NOT EXISTS candidate_runs (
            row_id VARCHAR PRIMARY KEY, artifact_id VARCHAR, seq INTEGER, code_sha256 VARCHAR, outcome VARCHAR,
            cases_passed INTEGER, cases_total INTEGER, detail VARCHAR, session INTEGER);
        CREATE TABLE IF NOT EXISTS done (item VARCHAR PRIMARY KEY, session INTEGER, finished VARCHAR);
        """;
}
