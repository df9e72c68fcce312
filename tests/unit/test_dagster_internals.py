"""The assumptions orchestration/dagster_internals.py makes about Dagster, checked against the installed Dagster: an
upgrade that changes a message's text or moves the private import fails here."""

import logging

import dagster as dg

from orchestration.dagster_internals import (
    FAILURE_PREFIX,
    last_success_of_check,
    without_failure_prefix,
    without_job_and_run,
)


@dg.op
def cannot_reach():
    raise dg.Failure(description="epoch_notable_models: cannot reach https://example.org")


@dg.op
def says_hello(context: dg.OpExecutionContext):
    context.log.info("hello from the step")


def test_a_raised_failure_reads_as_its_description():
    result = dg.GraphDefinition("failing", node_defs=[cannot_reach]).to_job().execute_in_process(raise_on_error=False)
    error = next(event for event in result.all_events if event.is_step_failure).step_failure_data.error
    assert error.message.startswith(FAILURE_PREFIX)
    assert without_failure_prefix(error.message).startswith("epoch_notable_models: cannot reach https://example.org")


def test_a_run_log_line_starts_with_the_job_and_the_run():
    messages = []

    @dg.logger
    def keep(_):
        logger = logging.Logger("kept", level=logging.INFO)
        handler = logging.Handler()
        handler.emit = lambda record: messages.append(record.getMessage())
        logger.addHandler(handler)
        return logger

    job = dg.GraphDefinition("greeting", node_defs=[says_hello]).to_job(logger_defs={"keep": keep})
    result = job.execute_in_process(run_config={"loggers": {"keep": {}}})
    said = [message for message in messages if "hello from the step" in message]
    assert said and said[0].startswith(f"greeting - {result.run_id} - ")
    assert without_job_and_run(said[0]) == "says_hello - hello from the step"


def test_the_last_success_of_a_check_is_found_in_the_event_log():
    @dg.asset(check_specs=[dg.AssetCheckSpec("fine", asset="numbers")])
    def numbers():
        return dg.MaterializeResult(check_results=[dg.AssetCheckResult(passed=True)])

    instance = dg.DagsterInstance.ephemeral()
    key = dg.AssetCheckKey(dg.AssetKey("numbers"), "fine")
    assert last_success_of_check(instance, key) is None
    assert dg.materialize([numbers], instance=instance).success
    assert last_success_of_check(instance, key) is not None


def test_a_job_of_the_definitions_is_handed_to_workers_as_a_code_pointer():
    from orchestration.dagster_internals import reconstructable_job

    job = reconstructable_job("orchestration.definitions", "defs", "materialize_everything")
    assert job.get_python_origin().get_repo_pointer().module == "orchestration.definitions"
    assert job.get_definition().name == "materialize_everything"
