//! Errors as HTTP responses: `{"error": {"code", "message", "field"}}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bureau_doc::DocError;
use bureau_model::EditError;
use serde_json::json;

/// An error answered to the client. A 4xx names what was wrong; a 5xx says little and the real
/// cause goes to the log in the request's span.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// A sentence for people; names the field where one is at fault.
    pub message: String,
    /// The offending field, if any.
    pub field: Option<String>,
}

impl ApiError {
    /// A 400 about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        let field = field.into();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_field",
            message: format!("{field}: {}", message.into()),
            field: Some(field),
        }
    }

    /// Any status with a code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A 404 for an unknown record or path.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> ApiError {
        match e {
            EditError::Invalid { field, message } => ApiError::field(field, message),
            EditError::NotFound { .. } => ApiError::not_found(e.to_string()),
            EditError::NoBureau | EditError::AlreadyInitialised => {
                ApiError::new(StatusCode::CONFLICT, "no_bureau", e.to_string())
            }
            EditError::Forbidden { message } => {
                ApiError::new(StatusCode::FORBIDDEN, "not_admin", message)
            }
            EditError::LastAdmin => {
                ApiError::new(StatusCode::CONFLICT, "last_admin", e.to_string())
            }
            EditError::InBatch { index, error } => {
                let mut inner = ApiError::from(*error);
                inner.message = format!("edit {index} of the batch: {}", inner.message);
                inner
            }
        }
    }
}

impl From<DocError> for ApiError {
    fn from(e: DocError) -> ApiError {
        match e {
            DocError::Edit(e) => e.into(),
            DocError::NotMember => {
                ApiError::new(StatusCode::FORBIDDEN, "not_member", e.to_string())
            }
            DocError::Observer => ApiError::new(StatusCode::FORBIDDEN, "observer", e.to_string()),
            DocError::DiskFull => {
                ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "disk_full", e.to_string())
            }
            DocError::Storage(ref cause) => {
                // The whole chain: the store's error names the file, its source the system's.
                let mut text = cause.to_string();
                let mut next = std::error::Error::source(cause);
                while let Some(c) = next {
                    text.push_str(": ");
                    text.push_str(&c.to_string());
                    next = c.source();
                }
                tracing::error!(cause = %text, "storage failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage",
                    "the edit could not be saved; see the node's log",
                )
            }
            DocError::Load(ref cause) => {
                tracing::error!(%cause, "could not read the document's files");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage",
                    "the document's files could not be read; see the node's log",
                )
            }
            DocError::PeerNotAllowed(_) | DocError::PeerData { .. } => {
                ApiError::new(StatusCode::FORBIDDEN, "peer", e.to_string())
            }
            DocError::BundleRefused { reason, message } => {
                let status = match reason {
                    "not_member" | "revoked" | "observer" => StatusCode::FORBIDDEN,
                    "too_large" => StatusCode::PAYLOAD_TOO_LARGE,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                ApiError::new(status, reason, message)
            }
            DocError::Closed => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "closed",
                "the node is shutting down",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": { "code": self.code, "message": self.message, "field": self.field }
        });
        let mut res = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}
