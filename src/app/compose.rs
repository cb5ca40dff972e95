//! `c` in the picker: the compose questions on one small screen (minutes,
//! focus, tools, position, avoid), the routine they make, and starting or
//! saving it. Composing is pure (`crate::compose`); reading the step
//! library and saving the file are the driver's.

use std::sync::Arc;

use super::{App, Command, Screen, Status, StepPool};
use crate::compose::{self, Request};
use crate::input::{Action, Context, FormKey};
use crate::routine::{Area, Position, Routine};

/// The questions, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Minutes,
    Focus,
    Tools,
    Position,
    Avoid,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Minutes,
        Field::Focus,
        Field::Tools,
        Field::Position,
        Field::Avoid,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Minutes => "Minutes",
            Field::Focus => "Focus",
            Field::Tools => "Tools",
            Field::Position => "Position",
            Field::Avoid => "Avoid",
        }
    }
}

/// The answers so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub field: Field,
    pub minutes: u32,
    /// A digit was typed since the minutes were last changed otherwise:
    /// the next digit adds to them rather than starting again.
    typed: bool,
    pub focus: Vec<Area>,
    /// Words from `tool_words` ("ball", "roller").
    pub tools: Vec<String>,
    pub position: Option<Position>,
    pub avoid: Vec<Area>,
    /// The highlighted choice of each question, by `Field` order.
    pub cursor: [usize; 5],
}

impl Default for Form {
    fn default() -> Self {
        Self {
            // The one question without an answer yet.
            field: Field::Focus,
            minutes: 10,
            typed: false,
            focus: Vec::new(),
            tools: Vec::new(),
            position: None,
            avoid: Vec::new(),
            cursor: [0; 5],
        }
    }
}

impl Form {
    /// The questions answered for a rotation day of the plan: its areas
    /// and minutes, the rest as a new form has them.
    pub fn for_plan(areas: &[Area], minutes: u32) -> Self {
        Self {
            field: Field::Focus,
            minutes,
            focus: areas.to_vec(),
            ..Self::default()
        }
    }
}

/// The areas a routine can focus on or avoid (whole-body stands for the
/// main areas).
pub fn areas() -> impl Iterator<Item = Area> {
    Area::ALL.iter().copied()
}

/// The position choices: any, then each position's word.
pub fn positions() -> impl Iterator<Item = Option<Position>> {
    std::iter::once(None).chain(Position::ALL.iter().copied().map(Some))
}

/// The tools the steps ask for, as a user would say them ("ball" for
/// "massage ball or tennis ball"), in order of first use.
pub fn tool_words(pool: &[compose::Candidate]) -> Vec<String> {
    compose::tool_words(pool)
}

/// Where the compose screen is.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Questions,
    /// The routine the answers made.
    Composed(Arc<Routine>),
    /// Typing a name to save it under.
    Naming(Arc<Routine>, String),
}

#[derive(Debug, Clone)]
pub struct Composer {
    pub form: Form,
    pub stage: Stage,
    /// The steps, once the driver has read them.
    pub pool: Option<StepPool>,
    /// Why the answers made no routine.
    pub problem: Option<String>,
    /// `n` asks for another routine: added to today's seed.
    pub variant: u64,
    /// `[body]` from the settings: compose leaves out what it rules out.
    pub body: crate::body::Body,
}

impl Composer {
    pub fn new(form: Form) -> Self {
        Self {
            form,
            stage: Stage::Questions,
            pool: None,
            problem: None,
            variant: 0,
            body: Default::default(),
        }
    }

    pub fn context(&self) -> Context {
        match self.stage {
            Stage::Questions => Context::Compose,
            Stage::Composed(_) => Context::Composed,
            Stage::Naming(..) => Context::Naming,
        }
    }

    pub fn tools(&self) -> Vec<String> {
        self.pool
            .as_ref()
            .map_or_else(Vec::new, |p| tool_words(&p.candidates))
    }

    /// How many choices `field` has.
    fn choices(&self, field: Field) -> usize {
        match field {
            Field::Minutes => 0,
            Field::Focus | Field::Avoid => areas().count(),
            Field::Tools => self.tools().len(),
            Field::Position => positions().count(),
        }
    }

    /// A key on the questions.
    pub fn key(&mut self, key: FormKey) {
        let form = &mut self.form;
        let at = Field::ALL
            .iter()
            .position(|f| *f == form.field)
            .unwrap_or(0);
        let (lo, hi) = (*crate::fit::MINUTES.start(), *crate::fit::MINUTES.end());
        match (key, form.field) {
            (FormKey::Up, _) => form.field = Field::ALL[at.saturating_sub(1)],
            (FormKey::Down, _) => form.field = Field::ALL[(at + 1).min(Field::ALL.len() - 1)],
            (FormKey::Left, Field::Minutes) => {
                form.minutes = form.minutes.saturating_sub(1).clamp(lo, hi);
                form.typed = false;
            }
            (FormKey::Right, Field::Minutes) => {
                form.minutes = (form.minutes + 1).clamp(lo, hi);
                form.typed = false;
            }
            (FormKey::Digit(d), Field::Minutes) => {
                let d = u32::from(d);
                form.minutes = if form.typed && form.minutes < 10 {
                    form.minutes * 10 + d
                } else {
                    d
                };
                form.typed = true;
            }
            (FormKey::Erase, Field::Minutes) => {
                form.minutes /= 10;
                form.typed = form.minutes > 0;
            }
            (FormKey::Left | FormKey::Right, field) => {
                let count = self.choices(field);
                let cursor = &mut self.form.cursor[at];
                if count > 0 {
                    *cursor = if key == FormKey::Left {
                        cursor.checked_sub(1).unwrap_or(count - 1)
                    } else {
                        (*cursor + 1) % count
                    };
                }
                // A position is one choice: moving chooses it.
                if field == Field::Position {
                    self.toggle(field);
                }
            }
            (FormKey::Toggle, field) => self.toggle(field),
            _ => {}
        }
        self.problem = None;
    }

    /// Choose or unchoose the highlighted choice of `field`. An area is
    /// a focus or avoided, never both.
    fn toggle(&mut self, field: Field) {
        let at = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
        let cursor = self.form.cursor[at];
        let form = &mut self.form;
        match field {
            Field::Minutes => {}
            Field::Focus | Field::Avoid => {
                let Some(area) = areas().nth(cursor) else {
                    return;
                };
                let (this, other) = if field == Field::Focus {
                    (&mut form.focus, &mut form.avoid)
                } else {
                    (&mut form.avoid, &mut form.focus)
                };
                if let Some(i) = this.iter().position(|a| *a == area) {
                    this.remove(i);
                } else {
                    this.push(area);
                    other.retain(|a| *a != area);
                }
            }
            Field::Tools => {
                let Some(word) = self.tools().into_iter().nth(cursor) else {
                    return;
                };
                let tools = &mut self.form.tools;
                if let Some(i) = tools.iter().position(|t| *t == word) {
                    tools.remove(i);
                } else {
                    tools.push(word);
                }
            }
            Field::Position => form.position = positions().nth(cursor).flatten(),
        }
    }

    fn request(&self, seed: u64) -> Request {
        let f = &self.form;
        Request {
            minutes: f.minutes,
            focus: f.focus.clone(),
            tools: f.tools.clone(),
            position: f.position,
            avoid: f.avoid.clone(),
            level: None,
            body: self.body,
            seed: seed.wrapping_add(self.variant),
        }
    }

    /// Compose from the answers: the routine, or why not.
    pub fn build(&mut self) {
        let Some(pool) = &self.pool else {
            self.problem = Some("The step library is still being read".to_owned());
            return;
        };
        match compose::compose(&self.request(pool.seed), &pool.candidates) {
            Ok(routine) => {
                self.problem = None;
                self.stage = Stage::Composed(Arc::new(routine));
            }
            Err(e) => {
                self.problem = Some(capitalised(&e.to_string()));
                self.stage = Stage::Questions;
            }
        }
    }
}

/// compose's messages are written for the command line ("say which
/// areas…"): a sentence on screen starts with a capital.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

impl App {
    /// `c` on the picker.
    pub(super) fn open_compose(&mut self, out: &mut Vec<Command>) {
        let form = self.picker.today.form.clone().unwrap_or_default();
        let mut composer = Composer::new(form);
        composer.body = self.options.body;
        self.screen = Screen::Compose(Box::new(composer));
        out.push(Command::LoadSteps);
    }

    /// The steps were read for the compose screen.
    pub(super) fn steps_loaded(&mut self, pool: StepPool) {
        if pool.broken > 0 {
            self.status = Some(Status::Trouble(match pool.broken {
                1 => "1 step library file has problems: `knotless compose` shows them".to_owned(),
                n => format!("{n} step library files have problems: `knotless compose` shows them"),
            }));
        }
        if let Screen::Compose(c) = &mut self.screen {
            c.pool = Some(pool);
        }
    }

    /// A key on the compose screen.
    pub(super) fn compose_act(&mut self, action: Action, out: &mut Vec<Command>) {
        let Screen::Compose(c) = &mut self.screen else {
            return;
        };
        match (action, &mut c.stage) {
            (Action::Form(key), Stage::Questions) => c.key(key),
            (Action::Build, Stage::Questions) => c.build(),
            (Action::Another, Stage::Composed(_)) => {
                c.variant = c.variant.wrapping_add(1);
                c.build();
            }
            (Action::Answers, _) => c.stage = Stage::Questions,
            (Action::AskName, Stage::Composed(r)) => {
                c.stage = Stage::Naming(r.clone(), String::new());
            }
            (Action::CancelName, Stage::Naming(r, _)) => c.stage = Stage::Composed(r.clone()),
            (Action::FilterChar(ch), Stage::Naming(_, name))
                if !ch.is_control() && name.chars().count() < NAME_LIMIT =>
            {
                name.push(ch);
            }
            (Action::FilterBackspace, Stage::Naming(_, name)) => {
                name.pop();
            }
            (Action::SaveNamed, Stage::Naming(r, name)) => {
                if name.trim().is_empty() {
                    self.status = Some(Status::Note("Type a name to save it under".to_owned()));
                } else {
                    out.push(Command::SaveRoutine {
                        routine: r.clone(),
                        name: name.trim().to_owned(),
                    });
                }
            }
            (Action::StartComposed, Stage::Composed(r)) => {
                let routine = r.clone();
                self.picker.today.form = Some(c.form.clone());
                self.picker.today.written = Some(routine.clone());
                out.push(Command::Prepare(routine.clone()));
                self.screen = Screen::Preflight(routine);
                self.first_look();
            }
            _ => {}
        }
        if let Screen::Compose(c) = &self.screen {
            self.picker.today.form = Some(c.form.clone());
        }
    }

    /// The composed routine was saved as `id`, or could not be.
    pub(super) fn saved(&mut self, result: Result<(String, String), super::NotSaved>) {
        match result {
            Ok((id, message)) => {
                self.status = Some(Status::Note(message));
                // Read again on the way back to the list: reading now would
                // put the list's own news over the message.
                self.stale = true;
                if let Screen::Compose(c) = &mut self.screen
                    && let Stage::Naming(r, name) = &c.stage
                {
                    let mut named = (**r).clone();
                    named.id = id;
                    named.name = name.trim().to_owned();
                    c.stage = Stage::Composed(Arc::new(named));
                }
            }
            Err(why) => self.status = Some(Status::Trouble(why.to_string())),
        }
    }
}

#[cfg(test)]
impl Composer {
    /// On the questions, with the shipped steps and a fixed seed.
    pub fn for_tests() -> Self {
        let mut c = Self::new(Form::default());
        c.pool = Some(tests::pool());
        c
    }

    /// Saving the composed routine, `name` typed.
    pub fn naming_for_tests(&mut self, name: &str) {
        if let Stage::Composed(r) = &self.stage {
            self.stage = Stage::Naming(r.clone(), name.to_owned());
        }
    }
}

/// Long enough for any name a person gives a routine.
const NAME_LIMIT: usize = 60;

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub fn pool() -> StepPool {
        let (files, _) = compose::files::step_files(None);
        StepPool {
            candidates: compose::candidates(&files),
            seed: 7,
            broken: 0,
        }
    }

    #[test]
    fn minutes_are_typed_or_stepped_within_range() {
        let mut c = Composer::new(Form::default());
        c.key(FormKey::Up);
        c.key(FormKey::Digit(1));
        c.key(FormKey::Digit(2));
        assert_eq!(c.form.minutes, 12);
        c.key(FormKey::Digit(8));
        assert_eq!(c.form.minutes, 8, "a third digit starts again");
        c.key(FormKey::Erase);
        assert_eq!(c.form.minutes, 0);
        c.key(FormKey::Right);
        assert_eq!(c.form.minutes, 3, "arrows keep to 3-60");
        c.form.minutes = 60;
        c.key(FormKey::Right);
        assert_eq!(c.form.minutes, 60);
    }

    #[test]
    fn an_area_is_a_focus_or_avoided_never_both() {
        let mut c = Composer::new(Form::default());
        let neck = areas().position(|a| a == Area::Neck).unwrap();
        for _ in 0..neck {
            c.key(FormKey::Right);
        }
        c.key(FormKey::Toggle);
        assert_eq!(c.form.focus, [Area::Neck]);
        c.form.field = Field::Avoid;
        c.form.cursor[4] = neck;
        c.key(FormKey::Toggle);
        assert_eq!(
            (c.form.focus.len(), c.form.avoid.clone()),
            (0, vec![Area::Neck])
        );
    }

    #[test]
    fn the_tools_are_the_words_the_steps_use() {
        let words = tool_words(&pool().candidates);
        assert!(words.contains(&"ball".to_owned()), "{words:?}");
        assert!(words.contains(&"roller".to_owned()), "{words:?}");
    }

    #[test]
    fn answers_make_a_routine_or_say_why_not() {
        let mut c = Composer::new(Form::default());
        c.build();
        assert!(c.problem.as_deref().unwrap().contains("still being read"));
        c.pool = Some(pool());
        c.build();
        assert!(
            c.problem.as_deref().unwrap().starts_with("Say which areas"),
            "{:?}",
            c.problem
        );
        c.form.focus = vec![Area::Neck, Area::Shoulders];
        c.form.minutes = 8;
        c.build();
        let Stage::Composed(r) = &c.stage else {
            panic!("{:?}", c.problem)
        };
        let total = crate::timeline::Timeline::new(r).total.as_secs();
        assert!(total.abs_diff(8 * 60) <= 15, "{total}");
    }
}
