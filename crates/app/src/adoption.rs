//! The adoption matrix (stakeholders × norms) as a viewer may read it, and the query that
//! narrows it.
use crate::ports::AdoptionRead;
use crate::{Acting, App, AppError};
use normwatch_core::adoption::{AdoptionMatrix, STAKEHOLDER_KINDS, parse_date};
use normwatch_core::{Catalog, CountryCode, FieldError, NormId};
use normwatch_store::{RecordFilter, StakeholderFilter};

/// `?kind=&country=&norm=&as_of=`, validated: which stakeholders, one norm or all, and the date
/// the matrix stood on (now when none).
#[derive(Debug, Clone, Default)]
pub struct MatrixQuery {
    pub stakeholders: StakeholderFilter,
    pub norm: Option<String>,
    pub as_of: Option<String>,
}

impl MatrixQuery {
    /// The query parameters the matrix reads (besides the language ones).
    pub const PARAMETERS: [&'static str; 4] = ["kind", "country", "norm", "as_of"];

    /// The matrix of one norm, for every stakeholder, as it stands now.
    pub fn of_norm(norm: &str) -> MatrixQuery {
        MatrixQuery { norm: Some(norm.to_owned()), ..MatrixQuery::default() }
    }

    /// Reads the query against the catalogue. `one` gives a parameter's single value as the
    /// interface reads its query (refusing one given twice or blank); parameters the matrix does
    /// not read are the interface's to refuse.
    pub fn parse<'a>(
        one: impl Fn(&str) -> Result<Option<&'a str>, FieldError>,
        catalog: &Catalog,
    ) -> Result<MatrixQuery, FieldError> {
        let kind = one("kind")?.map(str::to_owned);
        if let Some(k) = &kind
            && catalog.taxonomy(STAKEHOLDER_KINDS).is_some_and(|t| t.term(k).is_none())
        {
            return Err(FieldError::new("kind", format!("`{k}` is not a stakeholder kind")));
        }
        let country = one("country")?
            .map(|c| CountryCode::parse_field("country", &c.to_ascii_uppercase()).map(String::from))
            .transpose()?;
        let norm = one("norm")?.map(|n| NormId::of_field(catalog, "norm", n).map(String::from)).transpose()?;
        let as_of = one("as_of")?.map(str::to_owned);
        if let Some(d) = &as_of {
            parse_date("as_of", d)?;
        }
        Ok(MatrixQuery { stakeholders: StakeholderFilter { kind, country }, norm, as_of })
    }
}

impl<S: AdoptionRead> App<'_, S> {
    /// The matrix over the positions and evidence `who` may read.
    pub async fn adoption_matrix(&self, who: Acting<'_>, query: &MatrixQuery) -> Result<AdoptionMatrix, AppError> {
        let stakeholders = self.store.stakeholders(&query.stakeholders).await?;
        let norms: Vec<String> = match &query.norm {
            Some(n) => vec![n.clone()],
            None => self.catalog.norms.iter().map(|n| n.id.clone()).collect(),
        };
        let records = RecordFilter { norm: query.norm.clone(), ..Default::default() };
        let viewer = who.viewer();
        let positions = self.store.positions(&viewer, &records).await?;
        let evidence = self.store.evidence(&viewer, &records).await?;
        Ok(AdoptionMatrix::build(&stakeholders, &norms, &positions, &evidence, query.as_of.as_deref()))
    }
}
