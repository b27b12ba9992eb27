//! A service's secrets as files for `/run/secrets/<name>`: mode 0400, owned by the program's
//! user, copied into the container (the host files stay 0600 and are never bind-mounted).

use std::collections::BTreeMap;

use crate::docker::InjectedFile;
use crate::render::draft::SECRETS_DIR;
use crate::render::RenderedFile;
use crate::service::ServiceSpec;

pub fn files(
    spec: &ServiceSpec,
    rendered: &BTreeMap<String, RenderedFile>,
) -> anyhow::Result<Vec<InjectedFile>> {
    spec.secrets
        .iter()
        .map(|secret| {
            let file = rendered.get(&secret.file).ok_or_else(|| {
                anyhow::anyhow!(
                    "the secret file `{}` of `{}` was not rendered",
                    secret.file,
                    spec.name
                )
            })?;
            Ok(InjectedFile {
                path: format!("{SECRETS_DIR}/{}", secret.name),
                contents: file.contents.expose().as_bytes().to_vec(),
                uid: secret.uid.unwrap_or(0),
                mode: 0o400,
            })
        })
        .collect()
}
