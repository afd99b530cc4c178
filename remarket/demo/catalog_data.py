"""The demo catalog: real device models with the storage and colours their makers sold them in.

Launch prices are the maker's French list price of the base configuration, VAT included, in euros, rounded;
the demo derives refurbished prices from them (see `pricing`). Specs are the few facts a product page shows."""

from dataclasses import dataclass, field

from django.utils.text import slugify

# slug, name, impact key (which impact factor applies; blank where the impact data has no source)
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("smartphones", "Smartphones", "smartphone"),
    ("tablets", "Tablets", "tablet"),
    ("laptops", "Laptops", "laptop"),
    ("desktops", "Desktops", "desktop"),
    ("consoles", "Consoles", ""),
    ("smartwatches", "Smartwatches", ""),
    ("audio", "Audio", ""),
)

BRAND_IN_SLUG = {"Nintendo", "Microsoft", "Sony", "Dell", "Lenovo", "HP", "Bose"}


@dataclass(frozen=True)
class ModelSpec:
    category: str
    brand: str
    name: str
    year: int
    launch_eur: int
    storages: tuple[int | None, ...]
    colours: tuple[str, ...]
    specs: dict = field(default_factory=dict)
    pairs: tuple[tuple[int | None, str], ...] = ()  # when not every storage comes in every colour

    @property
    def slug(self) -> str:
        """Readable and unique: `iphone-15-pro`, `galaxy-s24`; the maker's name leads where the product
        name alone says little (`nintendo-switch`, `sony-wh-1000xm5`)."""
        name = self.name.replace("+", " Plus")
        return slugify(f"{self.brand} {name}" if self.brand in BRAND_IN_SLUG else name)

    @property
    def base_storage(self) -> int | None:
        return min((s for s, _ in self.variants()), default=None, key=lambda s: s or 0)

    def variants(self) -> tuple[tuple[int | None, str], ...]:
        return self.pairs or tuple((s, c) for s in self.storages for c in self.colours)


def _phone(brand, name, year, eur, storages, colours, screen, chip):
    return ModelSpec("smartphones", brand, name, year, eur, storages, colours, {"screen_in": screen, "chip": chip})


def _iphone(name, year, eur, storages, colours, screen, chip):
    return _phone("Apple", name, year, eur, storages, colours, screen, chip)


I12 = ("Black", "White", "(PRODUCT)RED", "Green", "Blue", "Purple")
I12_PRO = ("Graphite", "Silver", "Gold", "Pacific Blue")
I13 = ("Midnight", "Starlight", "(PRODUCT)RED", "Blue", "Pink", "Green")
I13_PRO = ("Graphite", "Gold", "Silver", "Sierra Blue", "Alpine Green")
I14 = ("Midnight", "Starlight", "(PRODUCT)RED", "Blue", "Purple", "Yellow")
I14_PRO = ("Space Black", "Silver", "Gold", "Deep Purple")
I15 = ("Black", "Blue", "Green", "Yellow", "Pink")
I15_PRO = ("Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium")
I16 = ("Black", "White", "Pink", "Teal", "Ultramarine")
I16_PRO = ("Black Titanium", "White Titanium", "Natural Titanium", "Desert Titanium")

S21 = ("Phantom Gray", "Phantom White", "Phantom Violet", "Phantom Pink")
S22 = ("Phantom Black", "Phantom White", "Green", "Pink Gold")
S23 = ("Phantom Black", "Cream", "Green", "Lavender")
S24 = ("Onyx Black", "Marble Grey", "Cobalt Violet", "Amber Yellow")
S24_ULTRA = ("Titanium Black", "Titanium Grey", "Titanium Violet", "Titanium Yellow")

MODELS: tuple[ModelSpec, ...] = (
    # Apple iPhone
    _iphone(
        "iPhone SE (3rd generation)",
        2022,
        529,
        (64, 128, 256),
        ("Midnight", "Starlight", "(PRODUCT)RED"),
        4.7,
        "A15 Bionic",
    ),
    _iphone("iPhone 12 mini", 2020, 809, (64, 128, 256), I12, 5.4, "A14 Bionic"),
    _iphone("iPhone 12", 2020, 909, (64, 128, 256), I12, 6.1, "A14 Bionic"),
    _iphone("iPhone 12 Pro", 2020, 1159, (128, 256, 512), I12_PRO, 6.1, "A14 Bionic"),
    _iphone("iPhone 12 Pro Max", 2020, 1259, (128, 256, 512), I12_PRO, 6.7, "A14 Bionic"),
    _iphone("iPhone 13 mini", 2021, 809, (128, 256, 512), I13, 5.4, "A15 Bionic"),
    _iphone("iPhone 13", 2021, 909, (128, 256, 512), I13, 6.1, "A15 Bionic"),
    _iphone("iPhone 13 Pro", 2021, 1159, (128, 256, 512, 1024), I13_PRO, 6.1, "A15 Bionic"),
    _iphone("iPhone 13 Pro Max", 2021, 1259, (128, 256, 512, 1024), I13_PRO, 6.7, "A15 Bionic"),
    _iphone("iPhone 14", 2022, 1019, (128, 256, 512), I14, 6.1, "A15 Bionic"),
    _iphone("iPhone 14 Plus", 2022, 1169, (128, 256, 512), I14, 6.7, "A15 Bionic"),
    _iphone("iPhone 14 Pro", 2022, 1329, (128, 256, 512, 1024), I14_PRO, 6.1, "A16 Bionic"),
    _iphone("iPhone 14 Pro Max", 2022, 1479, (128, 256, 512, 1024), I14_PRO, 6.7, "A16 Bionic"),
    _iphone("iPhone 15", 2023, 969, (128, 256, 512), I15, 6.1, "A16 Bionic"),
    _iphone("iPhone 15 Plus", 2023, 1119, (128, 256, 512), I15, 6.7, "A16 Bionic"),
    _iphone("iPhone 15 Pro", 2023, 1229, (128, 256, 512, 1024), I15_PRO, 6.1, "A17 Pro"),
    _iphone("iPhone 15 Pro Max", 2023, 1479, (256, 512, 1024), I15_PRO, 6.7, "A17 Pro"),
    _iphone("iPhone 16", 2024, 969, (128, 256, 512), I16, 6.1, "A18"),
    _iphone("iPhone 16 Plus", 2024, 1119, (128, 256, 512), I16, 6.7, "A18"),
    _iphone("iPhone 16 Pro", 2024, 1229, (128, 256, 512, 1024), I16_PRO, 6.3, "A18 Pro"),
    _iphone("iPhone 16 Pro Max", 2024, 1479, (256, 512, 1024), I16_PRO, 6.9, "A18 Pro"),
    _iphone("iPhone 16e", 2025, 719, (128, 256, 512), ("Black", "White"), 6.1, "A18"),
    # Samsung Galaxy
    _phone("Samsung", "Galaxy S21 5G", 2021, 859, (128, 256), S21, 6.2, "Exynos 2100"),
    _phone(
        "Samsung",
        "Galaxy S21+ 5G",
        2021,
        1059,
        (128, 256),
        ("Phantom Black", "Phantom Silver", "Phantom Violet"),
        6.7,
        "Exynos 2100",
    ),
    _phone(
        "Samsung",
        "Galaxy S21 Ultra 5G",
        2021,
        1259,
        (128, 256, 512),
        ("Phantom Black", "Phantom Silver"),
        6.8,
        "Exynos 2100",
    ),
    _phone(
        "Samsung",
        "Galaxy S21 FE 5G",
        2022,
        759,
        (128, 256),
        ("Graphite", "Olive", "Lavender", "White"),
        6.4,
        "Exynos 2100",
    ),
    _phone("Samsung", "Galaxy S22", 2022, 859, (128, 256), S22, 6.1, "Exynos 2200"),
    _phone("Samsung", "Galaxy S22+", 2022, 1059, (128, 256), S22, 6.6, "Exynos 2200"),
    _phone(
        "Samsung",
        "Galaxy S22 Ultra",
        2022,
        1259,
        (128, 256, 512, 1024),
        ("Phantom Black", "Phantom White", "Burgundy", "Green"),
        6.8,
        "Exynos 2200",
    ),
    _phone("Samsung", "Galaxy S23", 2023, 959, (128, 256, 512), S23, 6.1, "Snapdragon 8 Gen 2"),
    _phone("Samsung", "Galaxy S23+", 2023, 1219, (256, 512), S23, 6.6, "Snapdragon 8 Gen 2"),
    _phone("Samsung", "Galaxy S23 Ultra", 2023, 1419, (256, 512, 1024), S23, 6.8, "Snapdragon 8 Gen 2"),
    _phone(
        "Samsung", "Galaxy S23 FE", 2023, 699, (128, 256), ("Mint", "Cream", "Graphite", "Purple"), 6.4, "Exynos 2200"
    ),
    _phone("Samsung", "Galaxy S24", 2024, 899, (128, 256, 512), S24, 6.2, "Exynos 2400"),
    _phone("Samsung", "Galaxy S24+", 2024, 1169, (256, 512), S24, 6.7, "Exynos 2400"),
    _phone("Samsung", "Galaxy S24 Ultra", 2024, 1469, (256, 512, 1024), S24_ULTRA, 6.8, "Snapdragon 8 Gen 3"),
    _phone("Samsung", "Galaxy A15", 2023, 199, (128,), ("Blue Black", "Light Blue", "Yellow"), 6.5, "Helio G99"),
    _phone(
        "Samsung", "Galaxy A25 5G", 2023, 299, (128, 256), ("Blue Black", "Light Blue", "Yellow"), 6.5, "Exynos 1280"
    ),
    _phone(
        "Samsung",
        "Galaxy A34 5G",
        2023,
        409,
        (128, 256),
        ("Awesome Graphite", "Awesome Silver", "Awesome Lime", "Awesome Violet"),
        6.6,
        "Dimensity 1080",
    ),
    _phone(
        "Samsung",
        "Galaxy A53 5G",
        2022,
        469,
        (128, 256),
        ("Awesome Black", "Awesome White", "Awesome Blue", "Awesome Peach"),
        6.5,
        "Exynos 1280",
    ),
    _phone(
        "Samsung",
        "Galaxy A54 5G",
        2023,
        499,
        (128, 256),
        ("Awesome Graphite", "Awesome White", "Awesome Lime", "Awesome Violet"),
        6.4,
        "Exynos 1380",
    ),
    _phone(
        "Samsung",
        "Galaxy Z Flip5",
        2023,
        1199,
        (256, 512),
        ("Graphite", "Cream", "Lavender", "Mint"),
        6.7,
        "Snapdragon 8 Gen 2",
    ),
    _phone(
        "Samsung",
        "Galaxy Z Fold5",
        2023,
        1899,
        (256, 512, 1024),
        ("Icy Blue", "Phantom Black", "Cream"),
        7.6,
        "Snapdragon 8 Gen 2",
    ),
    # Google Pixel
    _phone(
        "Google",
        "Pixel 6",
        2021,
        649,
        (128, 256),
        ("Stormy Black", "Sorta Seafoam", "Kinda Coral"),
        6.4,
        "Google Tensor",
    ),
    _phone(
        "Google",
        "Pixel 6 Pro",
        2021,
        899,
        (128, 256),
        ("Stormy Black", "Cloudy White", "Sorta Sunny"),
        6.7,
        "Google Tensor",
    ),
    _phone("Google", "Pixel 6a", 2022, 459, (128,), ("Charcoal", "Chalk", "Sage"), 6.1, "Google Tensor"),
    _phone("Google", "Pixel 7", 2022, 649, (128, 256), ("Obsidian", "Snow", "Lemongrass"), 6.3, "Google Tensor G2"),
    _phone("Google", "Pixel 7 Pro", 2022, 899, (128, 256), ("Obsidian", "Snow", "Hazel"), 6.7, "Google Tensor G2"),
    _phone("Google", "Pixel 7a", 2023, 509, (128,), ("Charcoal", "Snow", "Sea"), 6.1, "Google Tensor G2"),
    _phone("Google", "Pixel 8", 2023, 799, (128, 256), ("Obsidian", "Hazel", "Rose"), 6.2, "Google Tensor G3"),
    _phone(
        "Google", "Pixel 8 Pro", 2023, 1099, (128, 256, 512), ("Obsidian", "Porcelain", "Bay"), 6.7, "Google Tensor G3"
    ),
    _phone(
        "Google", "Pixel 8a", 2024, 549, (128, 256), ("Obsidian", "Porcelain", "Bay", "Aloe"), 6.1, "Google Tensor G3"
    ),
    _phone(
        "Google",
        "Pixel 9",
        2024,
        899,
        (128, 256),
        ("Obsidian", "Porcelain", "Wintergreen", "Peony"),
        6.3,
        "Google Tensor G4",
    ),
    _phone(
        "Google",
        "Pixel 9 Pro",
        2024,
        1099,
        (128, 256, 512),
        ("Obsidian", "Porcelain", "Hazel", "Rose Quartz"),
        6.3,
        "Google Tensor G4",
    ),
    _phone(
        "Google",
        "Pixel 9 Pro XL",
        2024,
        1199,
        (128, 256, 512),
        ("Obsidian", "Porcelain", "Hazel", "Rose Quartz"),
        6.8,
        "Google Tensor G4",
    ),
    # Other phones
    _phone(
        "Xiaomi",
        "Redmi Note 13 Pro 5G",
        2024,
        399,
        (256, 512),
        ("Midnight Black", "Aurora Purple", "Ocean Teal"),
        6.67,
        "Snapdragon 7s Gen 2",
    ),
    _phone(
        "OnePlus", "OnePlus 12", 2024, 969, (256, 512), ("Silky Black", "Flowy Emerald"), 6.82, "Snapdragon 8 Gen 3"
    ),
    # Tablets
    ModelSpec(
        "tablets",
        "Apple",
        "iPad (9th generation)",
        2021,
        389,
        (64, 256),
        ("Space Grey", "Silver"),
        {"screen_in": 10.2, "chip": "A13 Bionic"},
    ),
    ModelSpec(
        "tablets",
        "Apple",
        "iPad (10th generation)",
        2022,
        589,
        (64, 256),
        ("Blue", "Pink", "Yellow", "Silver"),
        {"screen_in": 10.9, "chip": "A14 Bionic"},
    ),
    ModelSpec(
        "tablets",
        "Apple",
        "iPad mini (6th generation)",
        2021,
        559,
        (64, 256),
        ("Space Grey", "Pink", "Purple", "Starlight"),
        {"screen_in": 8.3, "chip": "A15 Bionic"},
    ),
    ModelSpec(
        "tablets",
        "Apple",
        "iPad Air (5th generation)",
        2022,
        719,
        (64, 256),
        ("Space Grey", "Starlight", "Pink", "Purple", "Blue"),
        {"screen_in": 10.9, "chip": "M1"},
    ),
    ModelSpec(
        "tablets",
        "Apple",
        "iPad Air 11-inch (M2)",
        2024,
        719,
        (128, 256, 512, 1024),
        ("Space Grey", "Blue", "Purple", "Starlight"),
        {"screen_in": 11, "chip": "M2"},
    ),
    ModelSpec(
        "tablets",
        "Apple",
        "iPad Pro 11-inch (4th generation)",
        2022,
        1069,
        (128, 256, 512, 1024, 2048),
        ("Space Grey", "Silver"),
        {"screen_in": 11, "chip": "M2"},
    ),
    ModelSpec(
        "tablets",
        "Apple",
        "iPad Pro 12.9-inch (6th generation)",
        2022,
        1469,
        (128, 256, 512, 1024, 2048),
        ("Space Grey", "Silver"),
        {"screen_in": 12.9, "chip": "M2"},
    ),
    ModelSpec(
        "tablets",
        "Samsung",
        "Galaxy Tab S9",
        2023,
        929,
        (128, 256),
        ("Graphite", "Beige"),
        {"screen_in": 11, "chip": "Snapdragon 8 Gen 2"},
    ),
    # Laptops
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Air 13-inch (M1, 2020)",
        2020,
        1129,
        (256, 512),
        ("Space Grey", "Gold", "Silver"),
        {"screen_in": 13.3, "chip": "M1", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Air 13-inch (M2, 2022)",
        2022,
        1499,
        (256, 512, 1024),
        ("Midnight", "Starlight", "Space Grey", "Silver"),
        {"screen_in": 13.6, "chip": "M2", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Air 15-inch (M2, 2023)",
        2023,
        1599,
        (256, 512, 1024),
        ("Midnight", "Starlight", "Space Grey", "Silver"),
        {"screen_in": 15.3, "chip": "M2", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Air 13-inch (M3, 2024)",
        2024,
        1299,
        (256, 512, 1024),
        ("Midnight", "Starlight", "Space Grey", "Silver"),
        {"screen_in": 13.6, "chip": "M3", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Pro 13-inch (M1, 2020)",
        2020,
        1449,
        (256, 512),
        ("Space Grey", "Silver"),
        {"screen_in": 13.3, "chip": "M1", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Pro 13-inch (M2, 2022)",
        2022,
        1599,
        (256, 512),
        ("Space Grey", "Silver"),
        {"screen_in": 13.3, "chip": "M2", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Pro 14-inch (M1 Pro, 2021)",
        2021,
        2249,
        (512, 1024),
        ("Space Grey", "Silver"),
        {"screen_in": 14.2, "chip": "M1 Pro", "ram_gb": 16},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Pro 16-inch (M1 Pro, 2021)",
        2021,
        2749,
        (512, 1024),
        ("Space Grey", "Silver"),
        {"screen_in": 16.2, "chip": "M1 Pro", "ram_gb": 16},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Pro 14-inch (M2 Pro, 2023)",
        2023,
        2399,
        (512, 1024),
        ("Space Grey", "Silver"),
        {"screen_in": 14.2, "chip": "M2 Pro", "ram_gb": 16},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Pro 14-inch (M3, 2023)",
        2023,
        1999,
        (512, 1024),
        ("Space Grey", "Silver"),
        {"screen_in": 14.2, "chip": "M3", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Apple",
        "MacBook Pro 14-inch (M3 Pro, 2023)",
        2023,
        2499,
        (512, 1024),
        ("Space Black", "Silver"),
        {"screen_in": 14.2, "chip": "M3 Pro", "ram_gb": 18},
    ),
    ModelSpec(
        "laptops",
        "Dell",
        "XPS 13 (9315)",
        2022,
        1199,
        (256, 512),
        ("Sky", "Umber"),
        {"screen_in": 13.4, "chip": "Intel Core i5-1230U", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "Lenovo",
        "ThinkPad X1 Carbon Gen 10",
        2022,
        1899,
        (512, 1024),
        ("Black",),
        {"screen_in": 14, "chip": "Intel Core i7-1260P", "ram_gb": 16},
    ),
    ModelSpec(
        "laptops",
        "Microsoft",
        "Surface Laptop 5 13.5-inch",
        2022,
        1199,
        (256, 512),
        ("Platinum", "Sage", "Black", "Sandstone"),
        {"screen_in": 13.5, "chip": "Intel Core i5-1235U", "ram_gb": 8},
    ),
    ModelSpec(
        "laptops",
        "HP",
        "EliteBook 840 G8",
        2021,
        1399,
        (256, 512),
        ("Silver",),
        {"screen_in": 14, "chip": "Intel Core i5-1135G7", "ram_gb": 16},
    ),
    # Desktops
    ModelSpec(
        "desktops",
        "Apple",
        "iMac 24-inch (M1, 2021)",
        2021,
        1499,
        (256, 512),
        ("Blue", "Green", "Pink", "Silver", "Yellow", "Orange", "Purple"),
        {"screen_in": 24, "chip": "M1"},
    ),
    ModelSpec(
        "desktops",
        "Apple",
        "iMac 24-inch (M3, 2023)",
        2023,
        1599,
        (256, 512),
        ("Blue", "Green", "Pink", "Silver", "Yellow", "Orange", "Purple"),
        {"screen_in": 24, "chip": "M3"},
    ),
    ModelSpec("desktops", "Apple", "Mac mini (M1, 2020)", 2020, 799, (256, 512), ("Silver",), {"chip": "M1"}),
    ModelSpec("desktops", "Apple", "Mac mini (M2, 2023)", 2023, 699, (256, 512), ("Silver",), {"chip": "M2"}),
    ModelSpec(
        "desktops", "Apple", "Mac Studio (M1 Max, 2022)", 2022, 2299, (512, 1024), ("Silver",), {"chip": "M1 Max"}
    ),
    # Consoles
    ModelSpec("consoles", "Sony", "PlayStation 5", 2020, 499, (825,), ("White",), {"edition": "Standard"}),
    ModelSpec(
        "consoles", "Sony", "PlayStation 5 Digital Edition", 2020, 399, (825,), ("White",), {"edition": "Digital"}
    ),
    ModelSpec("consoles", "Sony", "PlayStation 5 Slim", 2023, 549, (1024,), ("White",), {"edition": "Standard"}),
    ModelSpec("consoles", "Nintendo", "Switch", 2019, 329, (32,), ("Neon Red/Neon Blue", "Grey"), {"screen_in": 6.2}),
    ModelSpec(
        "consoles",
        "Nintendo",
        "Switch – OLED Model",
        2021,
        349,
        (64,),
        ("White", "Neon Red/Neon Blue"),
        {"screen_in": 7},
    ),
    ModelSpec(
        "consoles",
        "Nintendo",
        "Switch Lite",
        2019,
        219,
        (32,),
        ("Yellow", "Grey", "Turquoise", "Coral", "Blue"),
        {"screen_in": 5.5},
    ),
    ModelSpec("consoles", "Microsoft", "Xbox Series X", 2020, 499, (1024,), ("Carbon Black",), {}),
    ModelSpec(
        "consoles",
        "Microsoft",
        "Xbox Series S",
        2020,
        299,
        (512, 1024),
        ("Robot White", "Carbon Black"),
        {},
        pairs=((512, "Robot White"), (1024, "Carbon Black")),
    ),
    # Smartwatches
    ModelSpec(
        "smartwatches",
        "Apple",
        "Apple Watch Series 7 (GPS, 45 mm)",
        2021,
        459,
        (None,),
        ("Midnight", "Starlight", "Green", "Blue", "(PRODUCT)RED"),
        {"case_mm": 45},
    ),
    ModelSpec(
        "smartwatches",
        "Apple",
        "Apple Watch Series 8 (GPS, 45 mm)",
        2022,
        529,
        (None,),
        ("Midnight", "Starlight", "Silver", "(PRODUCT)RED"),
        {"case_mm": 45},
    ),
    ModelSpec(
        "smartwatches",
        "Apple",
        "Apple Watch Series 9 (GPS, 45 mm)",
        2023,
        479,
        (None,),
        ("Midnight", "Starlight", "Silver", "Pink", "(PRODUCT)RED"),
        {"case_mm": 45},
    ),
    ModelSpec(
        "smartwatches",
        "Apple",
        "Apple Watch SE (2nd generation, GPS, 44 mm)",
        2022,
        329,
        (None,),
        ("Midnight", "Starlight", "Silver"),
        {"case_mm": 44},
    ),
    ModelSpec("smartwatches", "Apple", "Apple Watch Ultra", 2022, 999, (None,), ("Titanium",), {"case_mm": 49}),
    ModelSpec(
        "smartwatches", "Apple", "Apple Watch Ultra 2", 2023, 899, (None,), ("Natural Titanium",), {"case_mm": 49}
    ),
    ModelSpec(
        "smartwatches", "Samsung", "Galaxy Watch6 44 mm", 2023, 349, (None,), ("Graphite", "Silver"), {"case_mm": 44}
    ),
    ModelSpec(
        "smartwatches",
        "Google",
        "Pixel Watch 2",
        2023,
        399,
        (None,),
        ("Matte Black", "Polished Silver", "Champagne Gold"),
        {"case_mm": 41},
    ),
    # Audio
    ModelSpec("audio", "Apple", "AirPods (2nd generation)", 2019, 179, (None,), ("White",), {}),
    ModelSpec("audio", "Apple", "AirPods (3rd generation)", 2021, 199, (None,), ("White",), {}),
    ModelSpec("audio", "Apple", "AirPods Pro (2nd generation)", 2022, 299, (None,), ("White",), {}),
    ModelSpec(
        "audio", "Apple", "AirPods Max", 2020, 629, (None,), ("Space Grey", "Silver", "Sky Blue", "Green", "Pink"), {}
    ),
    ModelSpec("audio", "Samsung", "Galaxy Buds2 Pro", 2022, 229, (None,), ("Graphite", "White", "Bora Purple"), {}),
    ModelSpec("audio", "Sony", "WH-1000XM4", 2020, 379, (None,), ("Black", "Silver", "Midnight Blue"), {}),
    ModelSpec("audio", "Sony", "WH-1000XM5", 2022, 419, (None,), ("Black", "Silver"), {}),
    ModelSpec("audio", "Bose", "QuietComfort 45", 2021, 349, (None,), ("Black", "White Smoke"), {}),
)
