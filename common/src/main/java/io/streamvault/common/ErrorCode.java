package io.streamvault.common;

/**
 * Stable error codes. A code names a condition, never a class: scripts and HTTP clients match on
 * {@link #id()}, which never changes once released. HTTP statuses are mapped in one place, the
 * server's {@code HttpErrors}, which names every code: a new code needs its status there.
 */
public enum ErrorCode {
    INVALID_ARGUMENT("invalid_argument", "a command-line option, request field or setting is malformed"),
    SOURCE_NOT_FOUND("source_not_found", "the path to back up does not exist or is not a directory"),
    VAULT_NOT_INITIALIZED("vault_not_initialized", "no vault exists at the given location"),
    VAULT_EXISTS("vault_exists", "a vault already exists at the given location"),
    WRONG_PASSWORD("wrong_password", "no key of the vault opens with the given password"),
    PASSWORD_MISSING("password_missing", "no password was given"),
    CORRUPT_OBJECT("corrupt_object", "a vault object fails authentication, its hash or its format"),
    OBJECT_NOT_FOUND("object_not_found", "a vault object that should exist is missing"),
    SNAPSHOT_NOT_FOUND("snapshot_not_found", "no snapshot matches"),
    AMBIGUOUS_SNAPSHOT("ambiguous_snapshot", "a snapshot id prefix matches more than one snapshot"),
    PATH_NOT_FOUND("path_not_found", "no entry with that path in the snapshot"),
    PLAN_NOT_FOUND("plan_not_found", "no backup plan has that name"),
    PLAN_EXISTS("plan_exists", "a backup plan with that name already exists"),
    UNSAFE_PATH("unsafe_path", "a name would place a file outside the restore target"),
    BROKER_UNREACHABLE("broker_unreachable", "the Kafka cluster cannot be reached"),
    REGISTRY_ERROR("registry_error", "the schema registry refused or failed a request"),
    MALFORMED_RECORD("malformed_record", "a Kafka record cannot be deserialized"),
    STORAGE_UNAVAILABLE("storage_unavailable", "the storage service failed transiently (timeout, throttling, 5xx)"),
    STORAGE_DENIED("storage_denied", "the storage service refused the credentials or the operation"),
    IO_ERROR("io_error", "a local file could not be read or written"),
    PERMISSION_DENIED("permission_denied", "the operating system denied access to a file"),
    STATE_LOCKED("state_locked", "another process holds the state directory"),
    VAULT_LOCKED("vault_locked", "the vault's backup lock forbids this deletion or change"),
    SNAPSHOT_LOCKED("snapshot_locked", "the snapshot's retention or legal hold forbids deleting it"),
    UNAUTHENTICATED("unauthenticated", "the request carries no valid credentials"),
    FORBIDDEN("forbidden", "the credentials do not allow this operation"),
    CONFLICT("conflict", "the operation conflicts with the current state"),
    FENCED("fenced", "another process has taken over this role (a newer garbage collection of the vault)"),
    VAULT_DAMAGED("vault_damaged", "the vault is damaged (a snapshot, tree or pack cannot be read): nothing is deleted"),
    NOT_FOUND("not_found", "no such API resource or restore job"),
    METHOD_NOT_ALLOWED("method_not_allowed", "the API resource does not answer this HTTP method"),
    PAYLOAD_TOO_LARGE("payload_too_large", "the request body is larger than the server accepts"),
    RANGE_NOT_SATISFIABLE("range_not_satisfiable", "the requested byte range lies outside the file"),
    QUEUE_FULL("queue_full", "as many jobs wait as the server queues: try again later"),
    CANCELLED("cancelled", "the operation was cancelled"),
    TIMEOUT("timeout", "the operation did not finish in time"),
    JOB_FAILED("job_failed", "a backup job failed"),
    UNSUPPORTED("unsupported", "the operation is not supported here"),
    INTERNAL("internal", "an unexpected internal error");

    private final String id;
    private final String description;

    ErrorCode(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The stable identifier, e.g. {@code wrong_password}. */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }
}
