-- 0003: the theme. Exactly one active token set (a partial unique index),
-- colours checked in the database as well as in the service, a link from a
-- rolled-back set to the one it copies, and the default theme.

ALTER TABLE design_system ADD COLUMN based_on_id INTEGER REFERENCES design_system(id) ON DELETE SET NULL;

ALTER TABLE design_system ADD CONSTRAINT design_system_colors_check CHECK (
    color_primary ~ '^#[0-9a-f]{6}$' AND color_secondary ~ '^#[0-9a-f]{6}$'
    AND color_accent_teal ~ '^#[0-9a-f]{6}$' AND color_accent_green ~ '^#[0-9a-f]{6}$'
    AND color_accent_red ~ '^#[0-9a-f]{6}$' AND color_text_primary ~ '^#[0-9a-f]{6}$'
    AND color_background ~ '^#[0-9a-f]{6}$' AND button_background_color ~ '^#[0-9a-f]{6}$'
    AND button_text_color ~ '^#[0-9a-f]{6}$' AND player_button_color ~ '^#[0-9a-f]{6}$'
);

UPDATE design_system SET is_active = false
WHERE is_active AND id <> (SELECT max(id) FROM design_system WHERE is_active);
CREATE UNIQUE INDEX design_system_one_active ON design_system ((true)) WHERE is_active;

INSERT INTO design_system (
    color_primary, color_secondary, color_accent_teal, color_accent_green, color_accent_red,
    color_text_primary, color_background, font_family_base, font_size_base,
    font_weight_normal, font_weight_bold, spacing_unit, border_radius,
    button_background_color, button_text_color, button_border_radius, button_padding,
    player_button_color, player_button_size, is_active, updated_by
)
SELECT '#6d28d9', '#1e293b', '#0d9488', '#16a34a', '#dc2626',
       '#111827', '#f8fafc', 'Inter, system-ui, sans-serif', 16,
       400, 700, 8, 8,
       '#6d28d9', '#ffffff', 6, '0.6rem 1.2rem',
       '#6d28d9', 48, true, 'default theme'
WHERE NOT EXISTS (SELECT 1 FROM design_system WHERE is_active);
