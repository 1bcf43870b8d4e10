//! Unit tests of the model. Helpers live in `support`; each submodule covers one area.

mod support;

mod apply_without_patches;
mod authority_checks;
mod batch_checks;
mod change_checks;
mod conflict_checks;
mod convergence;
mod document_checks;
mod finding_checks;
mod history_checks;
mod loaded_values;
mod merge_checks;
mod planner_checks;
mod refresh_checks;
mod review_checks;
mod sequence_checks;
mod settings_checks;
mod time_checks;
mod tolerant_reading;
mod validation;
