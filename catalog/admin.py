"""Categories and products in the Django admin, with the same rules as the staff API.

Product fields are checked by the model's own rules (the form runs `full_clean`, as
the services do) and saved by the product services; uploaded pictures are checked
and stored by `catalog.uploads`, exactly as `POST /api/admin/products/{id}/images`
does. Staff "delete" deactivates a product (customers stop seeing it, orders keep it);
only superusers delete for good.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from beautique.money import format_money
from catalog.models import Category, Product, ProductImage, SearchSynonym, Size
from catalog.search import search_products
from catalog.selectors import with_product_relations
from catalog.services import (
    EDITABLE_FIELDS,
    clean_image_urls,
    create_product,
    deactivate_product,
    delete_product,
    store_product_images,
    update_product,
)
from catalog.uploads import check_image_files, delete_stored_files


def thumbnail(image: ProductImage | None, css_class: str = "thumb"):
    if image is None:
        return mark_safe('<span class="thumb-none"></span>')
    return format_html('<img class="{}" src="{}" alt="" loading="lazy">', css_class, image.src)


def error_messages(error: ValidationError) -> list[str]:
    """Every message of a `ValidationError`, whatever field paths it was keyed by."""
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return error.messages


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_active", "active_products", "all_products")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "position", "is_active")
    ordering = ("position", "name")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_product_count=Count("products", filter=Q(products__is_active=True)),
                product_count=Count("products"),
            )
        )

    @admin.display(description="Active products", ordering="active_product_count")
    def active_products(self, category):
        return category.active_product_count

    @admin.display(description="All products", ordering="product_count")
    def all_products(self, category):
        return category.product_count


class StoredPictureLabel(forms.Widget):
    """Where a stored picture comes from, shown in place of an upload button."""

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe('<span class="quiet">Uploaded file</span>' if value else "")


class ProductImageForm(forms.ModelForm):
    """One picture: a new upload (checked like an API upload) or an external URL."""

    image = forms.FileField(
        required=False,
        label="Upload",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text="JPEG, PNG, WebP or GIF.",
    )
    url = forms.URLField(
        required=False,
        max_length=ProductImage._meta.get_field("url").max_length,
        assume_scheme="https",
        label="External URL",
        error_messages={"invalid": ProductImage._meta.get_field("url").error_messages["invalid"]},
    )

    class Meta:
        model = ProductImage
        fields = ("image", "url", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_image = None
        if self.instance.pk:
            # A stored picture is replaced by adding a new one and deleting the old.
            self.fields["image"].disabled = True
            self.fields["image"].widget = StoredPictureLabel()

    def clean_image(self):
        file = self.cleaned_data.get("image")
        if file and "image" in self.changed_data:
            try:
                [self.checked_image] = check_image_files([file], field="image")
            except ValidationError as error:
                raise ValidationError(error_messages(error)) from error
        return file


class ProductImageFormSet(forms.BaseInlineFormSet):
    """The product's pictures as a whole: at most `Product.MAX_IMAGES`, each URL once
    (each row's own URL is checked by the model, as the API's are)."""

    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if too_many := Product.too_many_images(len(kept)):
            raise ValidationError(too_many)
        with_url = [form for form in kept if form.cleaned_data.get("url")]
        current = list(self.instance.images.all()) if self.instance.pk else []
        problems: list[tuple[forms.Form | None, str]] = []

        def fail(message: str, item: int | None = None) -> None:
            problems.append((None if item is None else with_url[item], message))

        clean_image_urls(
            [form.cleaned_data["url"] for form in with_url], current=current, fail=fail
        )
        for form, message in problems:
            if form is None:
                raise ValidationError(message)
            form.add_error("url", message)

    def save_new(self, form, commit=True):
        """Store an upload through the service the API uses (the product locked and its
        pictures counted, a random name, the file removed again if the save fails);
        URLs as usual."""
        if form.checked_image is None:
            return super().save_new(form, commit=commit)
        (row,) = store_product_images(
            product=self.instance,
            images=[form.checked_image],
            position=form.cleaned_data.get("position") or 0,
        )
        return row

    def delete_existing(self, obj, commit=True):
        names = [obj.image.name] if obj.image else []
        super().delete_existing(obj, commit=commit)
        if commit:
            transaction.on_commit(partial(delete_stored_files, names))


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    verbose_name = "picture"
    verbose_name_plural = "Pictures"
    form = ProductImageForm
    formset = ProductImageFormSet
    fields = ("preview", "image", "url", "position")
    readonly_fields = ("preview",)
    extra = 1
    max_num = Product.MAX_IMAGES
    ordering = ("position", "id")

    @admin.display(description="Preview")
    def preview(self, image):
        return thumbnail(image if image.pk else None, "thumb-large")


class ProductForm(forms.ModelForm):
    """Sizes as checkboxes and colors as one comma-separated line; the model's rules
    apply as the form is cleaned, the category's when the service saves it."""

    sizes = forms.MultipleChoiceField(
        choices=[(size, size) for size in Size.values],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": Product._meta.get_field("sizes").error_messages["blank"]},
        help_text="The sizes customers can order.",
    )
    colors = forms.CharField(
        error_messages={"required": Product._meta.get_field("colors").error_messages["blank"]},
        help_text="Separate colors with commas, e.g. Maroon, Sky Blue.",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = Product
        fields = EDITABLE_FIELDS
        help_texts = {
            "sale_price": "Leave empty when the product is not on sale.",
            "is_active": "Inactive products are hidden from customers.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["colors"] = ", ".join(self.instance.colors)
        # A product may keep a category that was deactivated since.
        self.fields["category"].queryset = Category.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.category_id)
        )

    def clean_colors(self):
        return [color.strip() for color in self.cleaned_data["colors"].split(",") if color.strip()]

    def product_values(self) -> dict:
        return {field: self.cleaned_data[field] for field in EDITABLE_FIELDS}


def titled(title: str):
    """A yes/no list filter headed `title` instead of the field's name."""

    class TitledFilter(admin.BooleanFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledFilter


class OnSaleFilter(admin.SimpleListFilter):
    title = "on sale"
    parameter_name = "on_sale"

    def lookups(self, request, model_admin):
        return (("yes", "Yes"), ("no", "No"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sale_price__isnull=False)
        if self.value() == "no":
            return queryset.filter(sale_price__isnull=True)
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
    inlines = (ProductImageInline,)
    list_display = (
        "thumbnail",
        "name",
        "category",
        "regular",
        "sale",
        "bestseller",
        "active",
        "updated_at",
    )
    list_display_links = ("thumbnail", "name")
    list_filter = (
        "category",
        ("is_bestseller", titled("bestseller")),
        ("is_active", titled("active")),
        OnSaleFilter,
    )
    search_fields = ("name", "description")  # shows the search box; the search is the store's
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("name", "category", "description")}),
        ("Price", {"fields": ("regular_price", "sale_price")}),
        ("Options", {"fields": ("sizes", "colors")}),
        ("Visibility", {"fields": ("is_bestseller", "is_active")}),
    )
    actions = ("mark_bestseller", "unmark_bestseller", "deactivate", "restore")

    def get_queryset(self, request):
        return with_product_relations(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """The storefront's search (`catalog.search`): synonyms, typos, every word."""
        if not search_term.strip():
            return queryset, False
        return search_products(queryset, search_term), False

    @admin.display(description="Picture")
    def thumbnail(self, product):
        images = list(product.images.all())
        return thumbnail(images[0] if images else None)

    @admin.display(description="Regular price", ordering="regular_price")
    def regular(self, product):
        return format_money(product.regular_price)

    @admin.display(description="Sale price", ordering="sale_price", empty_value="-")
    def sale(self, product):
        return None if product.sale_price is None else format_money(product.sale_price)

    @admin.display(description="Bestseller", boolean=True, ordering="is_bestseller")
    def bestseller(self, product):
        return product.is_bestseller

    @admin.display(description="Active", boolean=True, ordering="is_active")
    def active(self, product):
        return product.is_active

    # Saving through the product services

    def save_model(self, request, obj, form, change):
        if change:
            update_product(product=obj, data=form.product_values())
            return
        created = create_product(data=form.product_values())
        # The admin goes on with `obj` (pictures, history, redirect): make it that row.
        obj.pk = created.pk
        obj.refresh_from_db()
        obj._state.adding = False

    # Staff "delete" deactivates; superusers delete for good.

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            # "Deactivate" is the staff's bulk delete.
            actions.pop("delete_selected", None)
        return actions

    def get_deleted_objects(self, objs, request):
        if request.user.is_superuser:
            return super().get_deleted_objects(objs, request)
        products = list(objs)
        return [str(product) for product in products], {"products": len(products)}, set(), []

    def log_deletions(self, request, queryset):
        if request.user.is_superuser:
            return super().log_deletions(request, queryset)
        return LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=queryset,
            action_flag=CHANGE,
            change_message="Deactivated.",
        )

    def delete_model(self, request, obj):
        if request.user.is_superuser:
            delete_product(product=obj)
        else:
            deactivate_product(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            self.delete_model(request, product)

    def response_delete(self, request, obj_display, obj_id):
        if request.user.is_superuser:
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(
            request,
            f"“{obj_display}” was deactivated: customers no longer see it. "
            "The Restore action brings it back.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:catalog_product_changelist"))

    # Actions: one product service call per product, so every rule applies.

    def _update_each(self, request, queryset, data: dict, done: str):
        updated, refused = 0, []
        for product in queryset:
            try:
                update_product(product=product, data=data)
            except ValidationError as error:
                refused.append(f"{product.name}: {' '.join(error_messages(error))}")
            else:
                updated += 1
        if updated or not refused:
            self.message_user(request, f"{updated} product(s) {done}.", messages.SUCCESS)
        for problem in refused:
            self.message_user(request, f"Not changed: {problem}", messages.ERROR)

    @admin.action(description="Mark as bestseller", permissions=["change"])
    def mark_bestseller(self, request, queryset):
        self._update_each(request, queryset, {"is_bestseller": True}, "marked as bestseller")

    @admin.action(description="Unmark as bestseller", permissions=["change"])
    def unmark_bestseller(self, request, queryset):
        self._update_each(request, queryset, {"is_bestseller": False}, "no longer bestseller")

    @admin.action(description="Deactivate (hide from customers)", permissions=["change"])
    def deactivate(self, request, queryset):
        products = list(queryset.filter(is_active=True))
        for product in products:
            deactivate_product(product=product)
        self.message_user(request, f"{len(products)} product(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Restore (show to customers again)", permissions=["change"])
    def restore(self, request, queryset):
        self._update_each(
            request, queryset.filter(is_active=False), {"is_active": True}, "restored"
        )


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """The synonyms of the catalog search: each row is one group of terms that mean the
    same; a change applies to the next search."""

    list_display = ("terms",)
    search_fields = ("terms",)
