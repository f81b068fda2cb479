//! The vulnerability equities process: setting up a board, and its members' cases and decisions;
//! the annual transparency report of aggregates for anyone.
use crate::ports::Vep;
use crate::{Acting, App, AppError};
use normwatch_core::Right;
use normwatch_core::vep::{BoardInput, DecisionInput, TransparencyReport, VepCase, VepCaseInput};
use normwatch_store::VepBoard;

/// A board `who` sits on: proof, once checked, that its cases may be read and written.
#[derive(Debug, Clone)]
pub struct BoardSeat {
    board: String,
    account: String,
}

impl BoardSeat {
    pub fn board(&self) -> &str {
        &self.board
    }

    pub fn account(&self) -> &str {
        &self.account
    }
}

impl<S: Vep> App<'_, S> {
    /// Sets up a board with its members (each a signed-up account, with the agency it speaks for).
    pub async fn create_vep_board(&self, who: Acting<'_>, input: &BoardInput) -> Result<VepBoard, AppError> {
        who.require(Right::ManageVepBoards, None)?;
        input.validate().map_err(AppError::InvalidField)?;
        let mut members: Vec<(String, String)> = Vec::new();
        for (i, m) in input.members.iter().enumerate() {
            input.check_unique_member(i).map_err(AppError::InvalidField)?;
            let Some((account, _)) = self.store.account_for_sign_in(&m.username).await? else {
                return Err(AppError::field(&format!("members[{i}].username"), "no such account"));
            };
            let agency = m.agency(i).map_err(AppError::InvalidField)?;
            members.push((account.id, agency.to_owned()));
        }
        Ok(self.store.create_vep_board(&who.actor(), &input.id, &input.stakeholder, &input.name, &members).await?)
    }

    /// `who`'s seat on the board. Everyone else is told the cases do not exist for them, whatever
    /// their role.
    pub async fn vep_seat(&self, who: Acting<'_>, board: &str) -> Result<BoardSeat, AppError> {
        let account = who.signed_in()?;
        match self.store.vep_membership(board, &account.id).await? {
            Some(_) => Ok(BoardSeat { board: board.to_owned(), account: account.id.clone() }),
            None => Err(AppError::NotFound { kind: "VEP board you sit on", id: board.to_owned() }),
        }
    }

    /// Submits a case to the board of `seat`; returns its id.
    pub async fn create_vep_case(
        &self,
        who: Acting<'_>,
        seat: &BoardSeat,
        input: &VepCaseInput,
    ) -> Result<String, AppError> {
        input.validate(self.today).map_err(AppError::InvalidField)?;
        Ok(self.store.create_vep_case(&who.actor(), &seat.board, input).await?)
    }

    /// A case on a board `who` sits on; any other is not found.
    pub async fn vep_case(&self, who: Acting<'_>, id: &str) -> Result<VepCase, AppError> {
        let account = who.signed_in()?;
        self.store
            .vep_case_for_member(id, &account.id)
            .await?
            .ok_or_else(|| AppError::NotFound { kind: "VEP case", id: id.to_owned() })
    }

    /// Records a decision on `case` (read by [`App::vep_case`]), checked against the case's
    /// current decision; returns the case as it now stands.
    pub async fn decide_vep_case(
        &self,
        who: Acting<'_>,
        case: &VepCase,
        input: &DecisionInput,
    ) -> Result<VepCase, AppError> {
        input.validate(&case.submitted_on, case.current(), self.today).map_err(AppError::InvalidField)?;
        self.store.add_vep_decision(&who.actor(), &case.id, input).await?;
        self.vep_case(who, &case.id).await
    }

    /// A board, for anyone (its cases are not in it).
    pub async fn vep_board(&self, board: &str) -> Result<VepBoard, AppError> {
        self.store
            .vep_boards()
            .await?
            .into_iter()
            .find(|b| b.id == board)
            .ok_or_else(|| AppError::NotFound { kind: "VEP board", id: board.to_owned() })
    }

    /// The board's transparency report for `year` (see `TransparencyReport::year`), for anyone:
    /// aggregates, never cases.
    pub async fn vep_report(&self, board: &VepBoard, year: i32) -> Result<TransparencyReport, AppError> {
        let cases = self.store.vep_cases_for_report(&board.id).await?;
        Ok(TransparencyReport::compute(&board.id, year, &cases, &self.today.to_string()))
    }
}
