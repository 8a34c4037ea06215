//! Any text given as a state machine definition is accepted or refused with
//! located reasons, never a panic; an accepted one runs (every task answers
//! with its own parameters, every timer fires) without a panic either.
#![no_main]

use choreoscope_asl::{Effect, Execution, ExecutionContext, Input, SeededEntropy, StateMachine, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let machine = match StateMachine::parse(text) {
        Ok(machine) => machine,
        Err(error) => {
            assert!(!error.diagnostics.is_empty());
            assert!(error.diagnostics.iter().all(|d| !d.message.is_empty()));
            return;
        }
    };
    let mut entropy = SeededEntropy::new(0);
    let (mut execution, mut effects) =
        Execution::start(&machine, ExecutionContext::example(), serde_json::json!({"a": [1, 2]}), 0, &mut entropy);
    let mut now = 0;
    for _ in 0..64 {
        if *execution.status() != Status::Running {
            break;
        }
        let next = effects.iter().find_map(|effect| match effect {
            Effect::InvokeTask(request) => {
                Some(Input::TaskSucceeded { task_id: request.task_id.clone(), output: request.parameters.clone() })
            }
            _ => None,
        });
        let next = next.or_else(|| {
            let (timer_id, at) = execution.pending_timers().min_by_key(|(_, at)| *at)?;
            now = now.max(at);
            Some(Input::TimerFired { timer_id: timer_id.to_owned() })
        });
        let Some(input) = next else { break };
        effects = execution.handle(&machine, input, now, &mut entropy);
    }
});
