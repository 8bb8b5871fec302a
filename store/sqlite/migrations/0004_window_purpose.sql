-- What a window takes: the intake accepts contributions only into
-- a contributions window (accreditation and amendment windows gate other routes).
ALTER TABLE windows ADD COLUMN purpose TEXT NOT NULL DEFAULT 'contributions';
