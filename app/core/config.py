"""Settings read from ``KC_``-prefixed environment variables (and an optional ``.env``)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The secret key a checkout starts with; anyone can read it here, so production refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-secret-change-me"


class UnsafeSettings(RuntimeError):
    """Settings the platform refuses to serve with; the message says what to change."""


class Settings(BaseSettings):
    """Every setting of the platform; the README documents each one."""

    model_config = SettingsConfigDict(env_prefix="KC_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    site_name: str = "科创一网通"
    # Who runs the site and its record numbers, shown in every page's footer.
    site_operator: str = "长春市科学技术局"
    site_address: str = "吉林省长春市朝阳区人民大街 9999 号（长春市科学技术局）"
    site_phone: str = "0431-88776655"
    site_email: str = "service@kechuang.local"
    icp_record: str = "吉ICP备00000000号-1"
    police_record: str = "吉公网安备22010202000000号"
    base_url: str = "http://127.0.0.1:8000"
    var_dir: Path = PROJECT_ROOT / "var"

    database_url: str = ""
    database_echo: bool = False

    search_backend: Literal["embedded", "elasticsearch", "opensearch"] = "embedded"
    search_path: str = ""
    #: Document vectors of the dense retriever; default beside the embedded index, or var/.
    vectors_path: str = ""
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_index_prefix: str = "kechuang"
    opensearch_url: str = "http://127.0.0.1:9250"
    opensearch_index_prefix: str = "kechuang"

    secret_key: str = Field(default=DEVELOPMENT_SECRET_KEY, min_length=16)
    session_cookie: str = "kc_session"
    session_max_age_seconds: int = 14 * 24 * 3600
    # None: the cookie is Secure in production or when the public address is https.
    session_https_only: bool | None = None

    password_hash_cost: Literal["standard", "test-only-cheap"] = "standard"
    password_reset_minutes: int = 60
    # Failed logins earn waits, never a lock: after the free failures of an email address (or
    # of a client address), each further attempt waits, doubling from the first delay up to the
    # longest; a quiet window forgets the failures. The owner's usual address skips the wait
    # an email address earned elsewhere.
    login_free_failures: int = Field(default=5, ge=1)
    login_ip_free_failures: int = Field(default=20, ge=1)
    login_delay_seconds: int = Field(default=30, ge=1)
    login_max_delay_seconds: int = Field(default=900, ge=1)
    login_failure_window_minutes: int = Field(default=60, ge=1)
    password_reset_mails_per_hour: int = Field(default=3, ge=1)

    # Rate limits per client address (the API: per token, else address), in the notation of
    # the ``limits`` library ("30/minute", "10 per hour"). The storage is in memory, per
    # process: with several workers each counts alone; point it at Redis ("redis://host:6379")
    # to share one count.
    rate_limit_enabled: bool = True
    rate_limit_storage_uri: str = "memory://"
    rate_limit_login: str = "30/minute"
    rate_limit_register: str = "20/hour"
    rate_limit_password_reset: str = "10/hour"
    rate_limit_api: str = "600/minute"

    mail_backend: Literal["log", "smtp"] = "log"
    mail_from: str = "科创一网通 <noreply@kechuang.local>"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False

    listing_valid_days: int = 365
    listing_reminder_days: int = 14
    max_upload_mb: int = 20
    # How long a SQLite writer waits for the write lock before the request answers 503 busy.
    sqlite_busy_timeout_seconds: float = Field(default=10.0, gt=0, le=300)

    # 揭榜挂帅: the fewest experts left on a panel, after conflicted ones are excluded, for
    # scoring to open.
    challenge_min_panel: int = Field(default=3, ge=1)
    # 项目管理: the same for the review of a programme call's applications.
    project_min_panel: int = Field(default=3, ge=1)

    # The rules technical contracts are judged under when registered (认定登记); each
    # registration records the version it used, since the rules change.
    contract_rules_version: str = "吉林省技术合同认定登记实施细则（2025）"

    # 创新券 (policy item 23): the yearly pool, and what one enterprise may be granted in one
    # claim and in one year, in yuan.
    voucher_pool_yuan: Decimal = Field(default=Decimal("30000000"), gt=0)
    voucher_cap_per_claim_yuan: Decimal = Field(default=Decimal("200000"), gt=0)
    voucher_cap_per_year_yuan: Decimal = Field(default=Decimal("500000"), gt=0)
    # A 差评 must be answered by staff within this many days.
    service_follow_up_days: int = Field(default=15, ge=1)

    # A TrueType Chinese font for PDFs; empty: the first one installed of app.core.pdf's list.
    pdf_font_path: str = ""

    worker_in_process: bool = True
    worker_poll_seconds: float = 2.0
    outbox_max_attempts: int = 8

    @field_validator(
        "rate_limit_login", "rate_limit_register", "rate_limit_password_reset", "rate_limit_api"
    )
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        parse_many(value)  # raises ValueError on a malformed limit
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under ``var_dir``."""
        return self.database_url or f"sqlite:///{self.var_dir / 'kechuang.db'}"

    @property
    def resolved_search_path(self) -> str:
        """Where the embedded search index lives."""
        return self.search_path or str(self.var_dir / "search.db")

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def serves_https(self) -> bool:
        """The public address (``KC_BASE_URL``) is an https one."""
        return self.base_url.strip().lower().startswith("https://")

    @property
    def secure_session_cookie(self) -> bool:
        """Whether the session cookie is sent over HTTPS only (``Secure``)."""
        if self.session_https_only is not None:
            return self.session_https_only
        return self.is_production or self.serves_https

    def ensure_safe_to_serve(self) -> None:
        """Refuse production with the published development secret key."""
        if self.is_production and self.secret_key == DEVELOPMENT_SECRET_KEY:
            raise UnsafeSettings(
                "生产环境（KC_ENVIRONMENT=production）不能使用开发用的默认密钥：请把 KC_SECRET_KEY "
                "设为一个足够长的随机值，例如 "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))' 的输出。"
            )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
