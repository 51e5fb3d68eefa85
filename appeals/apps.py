from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save


class AppealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "appeals"
    verbose_name = "Appeals"

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from django.core.signals import request_started

        from appeals import models
        from appeals.catalog.caching import bump_catalog_version_on_commit, bump_on_account_change
        from appeals.core import phi
        from appeals.delivery.ready import on_letter_ready
        from appeals.delivery.signals import case_purged
        from appeals.letters.signals import letter_ready
        from appeals.tracking.services import purge_track

        # Each request and each task starts with no patient strings remembered,
        # and a task's are dropped when it ends (after Celery has logged its outcome):
        # a worker holds no patient data between tasks.
        request_started.connect(lambda **kwargs: phi.forget(), weak=False, dispatch_uid="phi-forget-request")
        task_prerun.connect(lambda **kwargs: phi.forget(), weak=False, dispatch_uid="phi-forget-task")
        task_postrun.connect(lambda **kwargs: phi.forget(), weak=False, dispatch_uid="phi-forget-task-end")

        # The letter floor announces a ready letter; delivery emails the person who paid.
        letter_ready.connect(on_letter_ready, dispatch_uid="ready-email")
        # Retention (delivery) purges a case; tracking deletes its timeline with it.
        case_purged.connect(purge_track, dispatch_uid="purge-track")

        # Everything a public page shows.  The criteria feed saves a
        # CriteriaImport row with every import that changes anything; a
        # recorded outcome may change a landing page's count.
        for model in (
            models.AppealDeadlineRule,
            models.AppealInstrument,
            models.CriteriaImport,
            models.Criterion,
            models.DenialType,
            models.Drug,
            models.Guide,
            models.Outcome,
            models.Payer,
            models.PlanType,
            models.Pricing,
            models.PromoCode,
            models.ReviewerProfile,
        ):
            post_save.connect(bump_catalog_version_on_commit, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
            post_delete.connect(bump_catalog_version_on_commit, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
        m2m_changed.connect(
            bump_catalog_version_on_commit, sender=models.Payer.plan_types.through, dispatch_uid="page-cache-payer-plans"
        )
        # A guide names its reviewer only while the account is staff: a change to an
        # account (not a mere login) may change what a page says.
        post_save.connect(bump_on_account_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="page-cache-accounts", weak=False)
