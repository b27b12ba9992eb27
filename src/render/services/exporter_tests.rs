//! Exporter containers: every credential reaches the program as a file it reads.

use super::tests::{find, specs_with, PASSWORD};

#[test]
fn exporter_credentials_reach_the_container_only_as_files() {
    let yaml = format!(
        "version: 1\nproject: t\nexporters:\n  - {{type: redis, name: cache, target: 'redis:6379', password: '{PASSWORD}'}}\n  - {{type: postgres, dsn: 'postgresql://exporter:{}@db:5432/app?sslmode=disable'}}\n  - {{type: rabbitmq, target: 'mq:15692'}}\n  - {{type: mysql, username: mon, password: '{PASSWORD}'}}\n",
        PASSWORD.replace('@', "%40").replace('#', "%23")
    );
    let (specs, draft) = specs_with(&yaml, |_| {});
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "cache-exporter",
            &[
                ("REDIS_ADDR", "redis://redis:6379"),
                ("REDIS_PASSWORD_FILE", "/run/secrets/redis-passwords.json"),
            ],
        ),
        (
            "postgres-exporter",
            &[
                ("DATA_SOURCE_URI_FILE", "/run/secrets/data-source-uri"),
                ("DATA_SOURCE_USER_FILE", "/run/secrets/data-source-user"),
                ("DATA_SOURCE_PASS_FILE", "/run/secrets/data-source-pass"),
            ],
        ),
        ("mysql-exporter", &[]),
    ];
    for (name, env) in cases {
        let spec = find(&specs, name);
        for (key, value) in *env {
            assert_eq!(
                spec.environment.get(*key).map(String::as_str),
                Some(*value),
                "{name} {key}"
            );
        }
        let visible = format!("{:?} {:?}", spec.environment, spec.command);
        assert!(
            !visible.contains("s3cr3t"),
            "{name} leaks its password: {visible}"
        );
        assert!(!spec.secrets.is_empty(), "{name} has no secret file");
        for secret in &spec.secrets {
            assert!(
                spec.config_files.contains(&secret.file),
                "{name}: {} not in config_files",
                secret.file
            );
        }
    }
    let redis_map = draft
        .file("secrets/cache-exporter/redis-passwords.json")
        .expect("redis map")
        .contents
        .expose();
    let parsed: serde_json::Value = serde_json::from_str(redis_map).expect("redis map is JSON");
    assert_eq!(parsed["redis://redis:6379"], PASSWORD);
    let pass = draft
        .file("secrets/postgres-exporter/data-source-pass")
        .expect("pg pass")
        .contents
        .expose();
    assert_eq!(pass, PASSWORD);
    assert_eq!(find(&specs, "cache-exporter").secrets[0].uid, Some(59000));
    assert!(
        specs.iter().all(|s| !s.name.starts_with("rabbitmq")),
        "RabbitMQ serves its own metrics: no exporter container"
    );
    assert_eq!(
        find(&specs, "mysql-exporter").command,
        ["--config.my-cnf=/run/secrets/my.cnf"]
    );
}

#[test]
fn exporters_without_password_files_get_credentials_another_way_or_a_warning() {
    let (specs, draft) = specs_with(
        "version: 1\nproject: t\nexporters:\n  - {type: mongodb, dsn: 'mongodb://u:p@m:27017/admin'}\n  - {type: postgres, dsn: 'host=db password=x'}\n  - {type: mysql, dsn: 'mon:pw#1@(db:3307)/'}\n  - {type: elasticsearch, target: 'es:9200', username: elastic, password: 'p@ss'}\n  - {type: kafka, username: k, password: kpw}\n",
        |_| {},
    );
    let paths: Vec<&str> = draft.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["exporters[1].dsn"]);
    assert_eq!(draft.warnings.len(), 1);
    assert!(
        draft.warnings[0].contains("exporters[0]"),
        "{}",
        draft.warnings[0]
    );
    assert_eq!(
        find(&specs, "mongodb-exporter").command,
        ["--mongodb.uri=mongodb://m:27017/admin"]
    );
    let file = |path: &str| {
        draft
            .file(path)
            .map(|f| f.contents.expose().to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        file("secrets/mysql-exporter/my.cnf"),
        "[client]\nhost=db\nport=3307\nuser=`mon`\npassword=`pw#1`\n"
    );
    assert_eq!(
        find(&specs, "elasticsearch-exporter").command,
        ["@/run/secrets/args"]
    );
    assert_eq!(
        file("secrets/elasticsearch-exporter/args"),
        "--es.uri=http://elastic:p%40ss@es:9200\n"
    );
    assert_eq!(
        find(&specs, "kafka-exporter").command,
        ["--kafka.server=kafka:9092", "@/run/secrets/args"]
    );
    assert_eq!(
        file("secrets/kafka-exporter/args"),
        "--sasl.enabled\n--sasl.username=k\n--sasl.password=kpw\n"
    );
}

/// A line break in a credential would add flags to a kingpin `@file` or keys to my.cnf: the
/// render refuses it at the key, without quoting the value, and writes no such file.
#[test]
fn credentials_that_would_add_lines_to_an_args_file_or_my_cnf_are_refused() {
    let yaml = "version: 1\nproject: t\nexporters:\n  - {type: elasticsearch, dsn: \"http://es:9200\\n--web.listen-address=:1\"}\n  - {type: kafka, username: k, password: \"kpw\\n--sasl.mechanism=plain\"}\n  - {type: mysql, username: mon, password: \"pw\\nhost=evil\"}\n  - {type: nginx, target: 'nginx:8080', username: u, password: \"p\\rq\"}\n";
    let (_, draft) = specs_with(yaml, |_| {});
    let found: Vec<(&str, &str)> = draft
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    let paths: Vec<&str> = found.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        paths,
        [
            "exporters[0].dsn",
            "exporters[1].password",
            "exporters[2].password"
        ]
    );
    // A password inside a URL is percent-encoded: quoted for the format, one line.
    let nginx = draft
        .file("secrets/nginx-exporter/args")
        .expect("args")
        .contents
        .expose();
    assert_eq!(nginx, "--nginx.scrape-uri=http://u:p%0Dq@nginx:8080\n");
    for (_, message) in &found {
        for value in ["listen-address", "mechanism", "evil", "p\rq"] {
            assert!(!message.contains(value), "{message}");
        }
    }
    for file in [
        "secrets/elasticsearch-exporter/args",
        "secrets/kafka-exporter/args",
        "secrets/mysql-exporter/my.cnf",
    ] {
        assert!(draft.file(file).is_none(), "{file} written");
    }
}

#[test]
fn exporters_take_args_and_env_like_components() {
    let yaml = "version: 1\nproject: t\nexporters:\n  - {type: redis, target: 'redis:6379', args: ['--include-system-metrics'], env: {TZ: UTC}}\n";
    let (specs, draft) = specs_with(yaml, |_| {});
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    let spec = find(&specs, "redis-exporter");
    assert!(
        spec.command.iter().any(|a| a == "--include-system-metrics"),
        "{:?}",
        spec.command
    );
    assert_eq!(spec.environment.get("TZ").map(String::as_str), Some("UTC"));

    let yaml = "version: 1\nproject: t\nexporters:\n  - {type: redis, target: 'redis:6379', env: {REDIS_ADDR: 'redis://other:6379'}}\n  - {type: nginx, target: 'http://nginx:8080/stub_status', args: ['--nginx.scrape-uri=http://other/']}\n";
    let (_, draft) = specs_with(yaml, |_| {});
    let found: Vec<(&str, &str)> = draft
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "exporters[0].env.REDIS_ADDR");
    assert_eq!(
        found[0].1,
        "`REDIS_ADDR` is set by stackctl from `exporters[0]`"
    );
    assert_eq!(found[1].0, "exporters[1].args[0]");
}
